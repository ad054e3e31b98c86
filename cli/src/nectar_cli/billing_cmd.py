"""`nectar users ...`, `nectar billing ...`, `nectar db ...`: billing's operator commands.

They run billing's own operator actions in-process (`nectar_billing.operations` on the
`Deps` of `nectar_billing.bootstrap.operator_deps`, `nectar_billing.backup`) against
`BILLING_DATABASE_URL` (or `--database-url`). Events they cause (user created or
deleted, plan changed) go to billing's outbox and leave through the running service.

Safety rules (RCA "We Deleted 10 Real Users with a Test-Cleanup Script"): test users are
selected by `auth_source = 'test'` only, never by an id range; destructive commands are dry
runs unless given `--apply` (and `--expect N`, which must equal what they would delete).
"""

from __future__ import annotations

import asyncio
import getpass
import json
from pathlib import Path
from typing import Annotated

import typer

DB_URL_HELP = "SQLAlchemy URL of the billing database; default: BILLING_DATABASE_URL."
DatabaseUrl = Annotated[str | None, typer.Option("--database-url", help=DB_URL_HELP,
                                                  show_default=False)]
Actor = Annotated[str, typer.Option(help="Who does this, for the audit log.")]

users_app = typer.Typer(help="Billing users: test users, GDPR deletion.", no_args_is_help=True)
billing_app = typer.Typer(help="Plans and the payments ledger.", no_args_is_help=True)
db_app = typer.Typer(help="Billing database: backup and restore.", no_args_is_help=True)


def _run(coro):
    from nectar_billing.domain import BillingError, StoreUnavailable
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return asyncio.run(coro)
    except StoreUnavailable as exc:
        typer.echo(f"error: cannot use the billing database: {exc}", err=True)
        raise typer.Exit(1) from exc
    except BillingError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    except (SQLAlchemyError, OSError) as exc:
        typer.echo(f"error: cannot use the billing database: {type(exc).__name__}: {exc}",
                   err=True)
        raise typer.Exit(1) from exc


def _settings(database_url: str | None):
    from nectar_billing.settings import BillingSettings
    from pydantic import SecretStr

    settings = BillingSettings()
    if database_url:
        settings = settings.model_copy(update={"database_url": SecretStr(database_url)})
    return settings


def _action(database_url: str | None, action):
    """Run `action(deps)` on billing's operator dependencies (schema checked, pool closed)."""
    from nectar_billing.bootstrap import operator_deps

    async def run():
        async with operator_deps(_settings(database_url)) as deps:
            return await action(deps)

    return _run(run())


def _me() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 (no login name in some containers)
        return "operator"


def _state(state) -> str:
    expiry = state.expires_at.isoformat() if state.expires_at else "never"
    return f"{state.plan} (expires: {expiry})"


@users_app.command("create-test-users")
def create_test_users(
    count: Annotated[int, typer.Option(min=1, max=10_000, help="How many.")] = 1,
    actor: Actor = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Create test users: auth_source='test', ids from their own sequence (a high range no
    Telegram or OAuth id reaches), plain INSERT (never an upsert). Prints their ids."""
    from nectar_billing import operations

    ids = _action(database_url,
                  lambda deps: operations.create_test_users(count, actor or _me(), deps))
    for user_id in ids:
        typer.echo(user_id)
    typer.echo(f"created {len(ids)} test users", err=True)


@users_app.command("cleanup-test-users")
def cleanup_test_users(
    apply: Annotated[bool, typer.Option("--apply", help="Really delete (default: dry run "
                                        "that only prints the count).")] = False,
    expect: Annotated[int | None, typer.Option(help="Required with --apply: the number of "
                                               "test users you expect to delete (from the "
                                               "dry run). Any other count deletes nothing.")]
    = None,
    actor: Actor = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Delete users with auth_source='test' (that filter only, never an id range)."""
    from nectar_billing import operations

    if apply and expect is None:
        typer.echo("--apply needs --expect N (run without --apply to see N)", err=True)
        raise typer.Exit(2)
    result = _action(database_url, lambda deps: operations.cleanup_test_users(
        deps, apply=apply, expect=expect, actor=actor or _me()))
    if not apply:
        typer.echo(f"dry run: would delete {result.count} test users "
                   f"(auth_source='test'). To delete: --apply --expect {result.count}")
        return
    typer.echo(f"deleted {len(result.deleted)} test users")


@users_app.command("delete")
def delete_user(
    user_id: Annotated[int, typer.Argument(help="The user to erase.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log).")],
    yes: Annotated[bool, typer.Option("--yes", help="Really delete (default: dry run).")]
    = False,
    actor: Actor = "",
    database_url: DatabaseUrl = None,
) -> None:
    """GDPR erasure: remove the user's rows, anonymise their ledger rows (kept: money law),
    emit billing.user_deleted so every service forgets them."""
    from nectar_billing import operations

    if not yes:
        typer.echo(f"dry run: would erase user {user_id} (their ledger rows are kept, "
                   "anonymised). Run again with --yes.")
        return
    done = _action(database_url, lambda deps: operations.delete_user(
        user_id, reason, actor or _me(), deps))
    typer.echo(f"erased user {done.user_id}; {done.anonymised_ledger_rows} ledger rows "
               "anonymised")


@users_app.command("counts")
def counts(database_url: DatabaseUrl = None) -> None:
    """Users per auth source, as JSON."""
    from nectar_billing import operations

    typer.echo(json.dumps(_action(database_url, operations.user_counts), sort_keys=True))


@billing_app.command("plans")
def plans() -> None:
    """Print the plan catalog (prices and entitlements) as JSON: the file every service
    reads (`NECTAR_PLANS_FILE`, else the one shipped in nectar_contracts)."""
    from nectar_contracts.plans import load_plan_catalog, plans_file

    typer.echo(f"# {plans_file()}", err=True)
    typer.echo(json.dumps(load_plan_catalog().model_dump(mode="json"), indent=2))


@billing_app.command("grant")
def grant(
    user_id: Annotated[int, typer.Argument(help="The user.")],
    plan: Annotated[str, typer.Argument(help="basic, premium, vip or elite.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log).")],
    days: Annotated[int | None, typer.Option(min=1, help="How long; default: no end.")]
    = None,
    actor: Actor = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Grant a plan: a ledger entry plus an audit row; billing.plan_changed via the outbox."""
    from nectar_billing import operations

    state = _action(database_url, lambda deps: operations.grant_plan(
        user_id, plan, days, actor or _me(), reason, deps))
    typer.echo(f"user {user_id}: {_state(state)}")


@billing_app.command("revoke")
def revoke(
    user_id: Annotated[int, typer.Argument(help="The user.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log).")],
    actor: Actor = "",
    database_url: DatabaseUrl = None,
) -> None:
    """End the user's current plan: a revoke ledger entry plus an audit row."""
    from nectar_billing import operations

    state = _action(database_url, lambda deps: operations.revoke_plan(
        user_id, actor or _me(), reason, deps))
    typer.echo(f"user {user_id}: {_state(state)}")


@billing_app.command("rebuild")
def rebuild(
    apply: Annotated[bool, typer.Option("--apply", help="Store the derived state (default: "
                                        "only report differences).")] = False,
    actor: Actor = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Derive every user's plan from the payments ledger and report where the stored plan
    differs (exit 1 when it does and --apply was not given)."""
    from nectar_billing import operations

    diffs = _action(database_url, lambda deps: operations.rebuild_plans(
        deps, apply=apply, actor=actor or _me()))
    for d in diffs:
        typer.echo(json.dumps({"user_id": d.user_id, "stored": _state(d.stored),
                               "derived": _state(d.derived)}))
    verb = "fixed" if apply else "found"
    typer.echo(f"{verb} {len(diffs)} differences", err=True)
    if diffs and not apply:
        raise typer.Exit(1)


@db_app.command("backup")
def backup(
    out: Annotated[Path | None, typer.Option(help="Dump file to write (default: "
                                             "./backups/<db>-<UTC time>.dump).")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """pg_dump (custom format) of the billing database. Recovery point: the moment of the
    dump; see docs/billing-backups.md for WAL archiving."""
    from nectar_billing import backup as bk
    from sqlalchemy.engine import make_url

    url = _settings(database_url).database_url.get_secret_value()
    target = out or bk.default_backup_path(Path("backups"), make_url(url).database or "db")
    typer.echo(str(_run_sync(lambda: bk.backup(url, target))))


@db_app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="A dump written by `nectar db backup`.")],
    into: Annotated[str, typer.Option(help="NEW database to create and restore into (an "
                                      "existing one is refused).")],
    database_url: DatabaseUrl = None,
) -> None:
    """Restore a dump into a new database (never over an existing one)."""
    from nectar_billing import backup as bk

    url = _settings(database_url).database_url.get_secret_value()
    _run_sync(lambda: bk.restore(url, file, into))
    typer.echo(f"restored {file} into database {into}")


def _run_sync(fn):
    from nectar_billing.domain import BillingError

    try:
        return fn()
    except BillingError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
