"""Billing integration fixtures: a fresh database per test on the session's real Postgres."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from billing_db import drop_database, plain_dsn
from nectar_billing.adapters import migrator
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


@pytest.fixture
async def database_url(infra) -> AsyncIterator[str]:
    """SQLAlchemy URL of a new, empty database `test_<uuid>`; dropped after the test."""
    name = f"test_{uuid.uuid4().hex}"
    admin = await asyncpg.connect(plain_dsn(infra.postgres_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield make_url(infra.postgres_url).set(database=name).render_as_string(hide_password=False)
    await drop_database(infra.postgres_url, name)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the fresh database, not migrated."""
    eng = create_async_engine(database_url)
    try:
        yield eng
    finally:
        await eng.dispose()


@pytest.fixture
async def migrated(engine: AsyncEngine) -> AsyncEngine:
    """The engine, with the schema at head."""
    await migrator.upgrade(engine)
    return engine
