"""Operator commands: `python -m nectar_billing [serve|migrate|downgrade|current]`.

Without a command the service runs. Schema commands use `BILLING_DATABASE_URL` (or
`--database-url`) and the same advisory lock as the service's startup migration.
`downgrade` drops data: it only prints what it would do unless given `--yes`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from pydantic import SecretStr
from sqlalchemy.exc import SQLAlchemyError

from nectar_billing.adapters import migrator
from nectar_billing.adapters.postgres import create_engine
from nectar_billing.settings import DEFAULT_HTTP_PORT, BillingSettings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m nectar_billing",
        description="Nectar billing service. Without a command, runs the service "
        f"(HTTP port {DEFAULT_HTTP_PORT} unless NECTAR_SERVICE_HTTP_PORT is set).")
    parser.add_argument("--database-url", default=None,
                        help="SQLAlchemy URL (postgresql+asyncpg://...); default "
                        "BILLING_DATABASE_URL")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("serve", help="run the service (the default)")
    migrate = sub.add_parser("migrate", help="upgrade the schema")
    migrate.add_argument("--revision", default="head",
                         help="target revision (default: head, the newest)")
    down = sub.add_parser("downgrade", help="downgrade the schema (drops tables and data!)")
    down.add_argument("revision", help="target revision, e.g. 0001, -1 or base")
    down.add_argument("--yes", action="store_true",
                      help="really do it; without this flag only print what would happen")
    sub.add_parser("current", help="print the revision the database is at")
    return parser


def _settings(args: argparse.Namespace) -> BillingSettings:
    settings = BillingSettings()
    if args.database_url:
        settings = settings.model_copy(update={"database_url": SecretStr(args.database_url)})
    return settings


async def _schema_command(args: argparse.Namespace) -> int:
    engine = create_engine(_settings(args))
    try:
        if args.command == "migrate":
            await migrator.upgrade(engine, args.revision)
            print(f"at revision: {', '.join(await migrator.current(engine)) or 'base'}")
        elif args.command == "current":
            heads = await migrator.current(engine)
            newest = migrator.head_revision()
            state = "up to date" if heads == (newest,) else f"newest is {newest}"
            print(f"{', '.join(heads) or 'base (not migrated)'} ({state})")
        elif args.command == "downgrade":
            heads = await migrator.current(engine)
            if not args.yes:
                try:
                    undone = migrator.revisions_between(heads[0] if heads else None,
                                                        args.revision)
                except Exception:  # noqa: BLE001 (relative targets like -1: alembic resolves)
                    undone = []
                print(f"dry run: would downgrade from {', '.join(heads) or 'base'} to "
                      f"{args.revision}" + (", undoing: " + "; ".join(undone) if undone else ""))
                print("this can drop tables and data; run again with --yes to do it")
                return 2
            await migrator.downgrade(engine, args.revision)
            print(f"at revision: {', '.join(await migrator.current(engine)) or 'base'}")
    finally:
        await engine.dispose()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in (None, "serve"):
        from nectar_runtime import serve

        from nectar_billing.app import SERVICE, create_app

        settings = _settings(args)
        app, _ = create_app(settings)
        serve(app, SERVICE, settings.infra, DEFAULT_HTTP_PORT)
        return 0
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        return asyncio.run(_schema_command(args))
    except (SQLAlchemyError, OSError) as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
