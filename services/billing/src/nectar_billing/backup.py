"""Logical backups of the billing database with pg_dump / pg_restore.

`backup` writes a custom-format dump (`pg_dump -Fc`: compressed, restorable table by table);
`restore` creates a NEW database and restores into it (it refuses an existing one, so a
restore never overwrites live data). Binaries: `BILLING_PG_BIN` or the newest
`/usr/lib/postgresql/*/bin` (Debian), else the PATH.

Recovery point: a dump holds the database as of the moment pg_dump's snapshot was taken;
everything after it is lost unless WAL archiving is on (see docs/billing-backups.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL, make_url

from nectar_billing.domain import BillingError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine


class BackupError(BillingError):
    """pg_dump / pg_restore failed or was refused; the message says why."""


def pg_binary(name: str) -> str:
    """Path of a PostgreSQL client binary (newest Debian install first)."""
    configured = os.environ.get("BILLING_PG_BIN")
    candidates = [Path(configured)] if configured else sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    for directory in candidates:
        if (directory / name).is_file():
            return str(directory / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found (install postgresql-client or set BILLING_PG_BIN)")
    return found


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the client tools; the password goes through PGPASSWORD."""
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): "
                          f"{result.stderr.strip()[-2000:]}")


def default_backup_path(directory: Path, database: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return directory / f"{database}-{stamp}.dump"


def backup(database_url: str, out: Path) -> Path:
    """Dump the database to `out` (custom format); refuses to overwrite an existing file."""
    url = make_url(database_url)
    if out.exists():
        raise BackupError(f"{out} exists; not overwriting a backup")
    out.parent.mkdir(parents=True, exist_ok=True)
    args, env = _libpq(url)
    partial = out.with_name(out.name + ".partial")
    _run([pg_binary("pg_dump"), *args, "--format=custom", "--no-password",
          f"--file={partial}", url.database or "postgres"], env, "pg_dump")
    partial.rename(out)  # a file named *.dump is always complete
    return out


def restore(database_url: str, dump: Path, into: str) -> str:
    """Create database `into` (must not exist) and restore `dump` into it."""
    if not dump.is_file():
        raise BackupError(f"no such backup file: {dump}")
    if not into or not all(c.isalnum() or c in "_-" for c in into):
        raise BackupError(f"invalid database name {into!r} (letters, digits, _ and -)")
    url = make_url(database_url)
    if into == url.database:
        raise BackupError(f"refusing to restore into the live database {into!r}; restore "
                          "into a new one and switch BILLING_DATABASE_URL after checking it")
    args, env = _libpq(url)
    # createdb fails when the database exists: a restore never lands on existing data.
    _run([pg_binary("createdb"), *args, "--no-password", into], env, "createdb")
    _run([pg_binary("pg_restore"), *args, "--no-password", "--exit-on-error",
          "--no-owner", f"--dbname={into}", str(dump)], env, "pg_restore")
    return url.set(database=into).render_as_string(hide_password=False)


async def ledger_summary(engine: AsyncEngine) -> dict[str, object]:
    """Row counts of every billing table and ledger totals per currency: what a restore
    rehearsal compares between the live database and the restored copy."""
    from sqlalchemy import func, select, text

    from nectar_billing.adapters.tables import payments

    async with engine.connect() as conn:
        tables = [r[0] for r in await conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"))]
        counts = {t: (await conn.execute(text(f'SELECT count(*) FROM "{t}"'))).scalar_one()
                  for t in tables}
        totals = {r[0]: str(r[1]) for r in await conn.execute(
            select(payments.c.currency, func.sum(payments.c.amount))
            .group_by(payments.c.currency).order_by(payments.c.currency))}
    return {"rows": counts, "ledger_totals": totals}
