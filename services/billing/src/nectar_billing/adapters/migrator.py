"""Alembic migrations run from code: no alembic.ini, script location inside the package.

Every schema change takes a transaction-scoped Postgres advisory lock first, so replicas that
start together run the migrations one after the other (the later ones find nothing to do).
The lock also serialises runs inside one process: Alembic's `context`/`op` proxies are
module globals, and two interleaved runs on one event loop mix them up and hang.
With Postgres' transactional DDL a failed migration leaves the schema as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
#: key of the advisory lock serialising schema changes (any constant shared by replicas)
MIGRATION_LOCK_KEY = 0x6E656374_62696C6C  # "nectbill"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations (works from an installed wheel)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        cfg.attributes["url"] = url
    return cfg


def head_revision() -> str:
    """The newest revision shipped with this package."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


async def _locked(engine: AsyncEngine, fn: Callable[[Config], None]) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": MIGRATION_LOCK_KEY})
        await conn.run_sync(_with_connection, fn)


def _with_connection(connection: Connection, fn: Callable[[Config], None]) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    fn(cfg)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the schema to `revision` (default: the newest)."""
    await _locked(engine, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Downgrade the schema to `revision` (`base` drops every billing table)."""
    await _locked(engine, lambda cfg: command.downgrade(cfg, revision))


async def current(engine: AsyncEngine) -> tuple[str, ...]:
    """Revisions the database is at (empty: not migrated)."""
    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: tuple(MigrationContext.configure(sync).get_current_heads()))


def revisions_between(upper: str | None, lower: str) -> list[str]:
    """Revisions a downgrade from `upper` to `lower` would undo, newest first."""
    if upper is None:
        return []
    script = ScriptDirectory.from_config(alembic_config())
    lower_rev = None if lower == "base" else lower
    return [f"{rev.revision} ({rev.doc})"
            for rev in script.iterate_revisions(upper, lower_rev)
            if rev.revision != lower_rev]
