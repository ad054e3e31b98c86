"""Alembic environment of the billing database (async engine, asyncpg).

Two ways in:
- programmatic (the service's startup and `python -m nectar_billing migrate`): the caller
  opens an async connection, takes the migration advisory lock and passes the sync view of
  that connection in `config.attributes["connection"]`; migrations then run inside the
  caller's transaction.
- plain `alembic` (e.g. `alembic revision`): the URL comes from
  `config.attributes["url"]`, the `sqlalchemy.url` option or `BILLING_DATABASE_URL`.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from nectar_billing.adapters.tables import metadata
from nectar_billing.settings import DEFAULT_DATABASE_URL
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

config = context.config
target_metadata = metadata


def _url() -> str:
    return (config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
            or os.environ.get("BILLING_DATABASE_URL") or DEFAULT_DATABASE_URL)


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (`alembic upgrade --sql`)."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = create_async_engine(_url(), poolclass=pool.NullPool)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(do_run_migrations)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        asyncio.run(run_async_migrations())
    else:
        do_run_migrations(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
