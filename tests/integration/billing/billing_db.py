"""Database helpers shared by billing's integration tests and fixtures."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy.engine import make_url


def plain_dsn(sqlalchemy_url: str) -> str:
    """postgresql+asyncpg://... -> postgresql://... (for asyncpg itself)."""
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(
        hide_password=False)


async def drop_database(postgres_url: str, name: str) -> None:
    """DROP DATABASE ... WITH (FORCE), retried while an autovacuum worker (a superuser
    process our role may not terminate) still holds the fresh database."""
    admin = await asyncpg.connect(plain_dsn(postgres_url))
    try:
        for attempt in range(20):
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except asyncpg.exceptions.InsufficientPrivilegeError:
                if attempt == 19:
                    raise
                await asyncio.sleep(0.5)
    finally:
        await admin.close()
