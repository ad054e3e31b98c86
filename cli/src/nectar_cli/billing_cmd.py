"""`nectar users ...`, `nectar billing ...`, `nectar db ...`: billing's operator commands.

They run billing's own operator actions in-process (`nectar_billing.operations` on the
`Deps` of `nectar_billing.bootstrap.operator_deps`, `nectar_billing.backup`). Where they act
is resolved in one place (`nectar_cli.targets`): the stack file that `nectar say`, `chat`,
`status` and `dlq` use, else the environment (`BILLING_DATABASE_URL`, never a default port),
or `--database-url`; an ambiguous target is refused. Commands that write print their target
first. Events they cause (user created or deleted, plan changed) go to billing's outbox and
leave through the running service.

Safety rules (RCA "We Deleted 10 Real Users with a Test-Cleanup Script"): test users are
selected by `auth_source = 'test'` only, never by an id range; destructive commands are dry
runs unless given `--apply`/`--yes` (and `--expect N`, which must equal what they would
delete).
"""

from __future__ import annotations

import asyncio
import getpass
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from nectar_cli.targets import Target, TargetError, resolve

DB_URL_HELP = ("SQLAlchemy URL of the billing database (explicit); default: the stack "
               "file's, else BILLING_DATABASE_URL.")
DatabaseUrl = Annotated[str | None, typer.Option("--database-url", help=DB_URL_HELP,
                                                  show_default=False)]
TargetOpt = Annotated[str, typer.Option(
    "--target", help="Where to act: `stack` (the local stack's stack file), `env` (the "
    "environment and --database-url) or `auto` (the stack file when there is one, refused "
    "when the environment points elsewhere).")]
Actor = Annotated[str, typer.Option(help="Who does this, for the audit log.")]

users_app = typer.Typer(help="Billing users: test users, GDPR erasure.", no_args_is_help=True)
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


def target_of(choice: str, database_url: str | None) -> Target:
    """The resolved target, or exit 2 with the reason (none, or ambiguous)."""
    if choice not in ("auto", "stack", "env"):
        typer.echo(f"error: --target must be auto, stack or env, not {choice!r}", err=True)
        raise typer.Exit(2)
    try:
        return resolve(choice, database_url=database_url)  # type: ignore[arg-type]
    except TargetError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


def _settings(target: Target) -> Any:
    from nectar_billing.settings import BillingSettings
    from pydantic import SecretStr

    try:
        url = target.require("BILLING_DATABASE_URL")
    except TargetError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    return target.settings("billing", BillingSettings, database_url=SecretStr(url))


def _announce(target: Target, *variables: str) -> None:
    """Say where a writing command is about to act (stderr, secrets masked)."""
    typer.echo(target.describe(*(variables or ("BILLING_DATABASE_URL",))), err=True)


def _action(target: Target, action, *, announce: bool = False):
    """Run `action(deps)` on billing's operator dependencies (schema checked, pool closed)."""
    from nectar_billing.bootstrap import operator_deps

    settings = _settings(target)
    if announce:
        _announce(target)

    async def run():
        async with operator_deps(settings) as deps:
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
    target: TargetOpt = "auto",
) -> None:
    """Create test users: auth_source='test', ids from their own sequence (a high range no
    Telegram or OAuth id reaches), plain INSERT (never an upsert). Prints their ids."""
    from nectar_billing import operations

    ids = _action(target_of(target, database_url),
                  lambda deps: operations.create_test_users(count, actor or _me(), deps),
                  announce=True)
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
    target: TargetOpt = "auto",
) -> None:
    """Delete users with auth_source='test' (that filter only, never an id range)."""
    from nectar_billing import operations

    if apply and expect is None:
        typer.echo("--apply needs --expect N (run without --apply to see N)", err=True)
        raise typer.Exit(2)
    result = _action(target_of(target, database_url),
                     lambda deps: operations.cleanup_test_users(
                         deps, apply=apply, expect=expect, actor=actor or _me()),
                     announce=True)
    if not apply:
        typer.echo(f"dry run: would delete {result.count} test users "
                   f"(auth_source='test'). To delete: --apply --expect {result.count}")
        return
    typer.echo(f"deleted {len(result.deleted)} test users")


@users_app.command("delete")
def delete_user(
    user_id: Annotated[int, typer.Argument(help="The user to erase.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log).")],
    yes: Annotated[bool, typer.Option("--yes", help="Really erase (default: a dry run that "
                                      "reports what each store holds).")] = False,
    actor: Actor = "",
    database_url: DatabaseUrl = None,
    target: TargetOpt = "auto",
) -> None:
    """GDPR erasure from every store: billing's Postgres (ledger rows kept, anonymised: money
    law), every Redis key of the user, Chroma, the user's subjects in every JetStream stream
    (the billing.user_deleted tombstone kept), the dead letters about them, object storage
    (a hook until media and voice store objects). Prints a report per store, then verifies
    that nothing of the user remains; exits 1 if something does."""
    from nectar_cli import erasure

    where = target_of(target, database_url)
    try:
        stores, notes = erasure.stores_of(where, reason, actor or _me())
    except TargetError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"target ({where.source}):")
    for store in stores:
        typer.echo(f"  {store.name}")
    if not yes:
        _print_survey(asyncio.run(erasure.survey(stores, user_id)), notes, user_id)
        return
    reports = asyncio.run(erasure.erase(stores, user_id))
    _print_erasure(reports, notes)
    if not all(report.clean for report in reports):
        typer.echo(f"user {user_id} is NOT fully erased (see STILL THERE / ERROR above); "
                   "fix the cause and run again: erasure is safe to repeat", err=True)
        raise typer.Exit(1)
    typer.echo(f"user {user_id} erased: nothing of them remains (kept: the anonymised "
               "ledger and the billing.user_deleted tombstone)")


def _print_survey(reports: list[Any], notes: list[str], user_id: int) -> None:
    for report in reports:
        typer.echo(f"{report.store}: holds {report.done}" if report.error is None
                   else f"{report.store}: cannot look ({report.error})")
    for note in notes:
        typer.echo(note)
    typer.echo(f"dry run: would erase user {user_id} from the stores above (ledger rows are "
               "kept, anonymised). Run again with --yes.")


def _print_erasure(reports: list[Any], notes: list[str]) -> None:
    for report in reports:
        line = f"{report.store}: {report.done or 'not erased'}"
        if report.error:
            line += f"; ERROR {report.error}"
        line += "; verified: nothing left" if report.clean else \
            f"; STILL THERE: {', '.join(report.remaining) or report.error}"
        typer.echo(line)
    for note in notes:
        typer.echo(note)


@users_app.command("counts")
def counts(database_url: DatabaseUrl = None, target: TargetOpt = "auto") -> None:
    """Users per auth source, as JSON."""
    from nectar_billing import operations

    typer.echo(json.dumps(_action(target_of(target, database_url), operations.user_counts),
                          sort_keys=True))


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
    target: TargetOpt = "auto",
) -> None:
    """Grant a plan: a ledger entry plus an audit row; billing.plan_changed via the outbox."""
    from nectar_billing import operations

    state = _action(target_of(target, database_url), lambda deps: operations.grant_plan(
        user_id, plan, days, actor or _me(), reason, deps), announce=True)
    typer.echo(f"user {user_id}: {_state(state)}")


@billing_app.command("revoke")
def revoke(
    user_id: Annotated[int, typer.Argument(help="The user.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log).")],
    actor: Actor = "",
    database_url: DatabaseUrl = None,
    target: TargetOpt = "auto",
) -> None:
    """End the user's current plan: a revoke ledger entry plus an audit row."""
    from nectar_billing import operations

    state = _action(target_of(target, database_url), lambda deps: operations.revoke_plan(
        user_id, actor or _me(), reason, deps), announce=True)
    typer.echo(f"user {user_id}: {_state(state)}")


@billing_app.command("rebuild")
def rebuild(
    apply: Annotated[bool, typer.Option("--apply", help="Store the derived state (default: "
                                        "only report differences).")] = False,
    actor: Actor = "",
    database_url: DatabaseUrl = None,
    target: TargetOpt = "auto",
) -> None:
    """Derive every user's plan from the payments ledger and report where the stored plan
    differs (exit 1 when it does and --apply was not given)."""
    from nectar_billing import operations

    diffs = _action(target_of(target, database_url), lambda deps: operations.rebuild_plans(
        deps, apply=apply, actor=actor or _me()), announce=apply)
    for d in diffs:
        typer.echo(json.dumps({"user_id": d.user_id, "stored": _state(d.stored),
                               "derived": _state(d.derived)}))
    verb = "fixed" if apply else "found"
    typer.echo(f"{verb} {len(diffs)} differences", err=True)
    if diffs and not apply:
        raise typer.Exit(1)


@billing_app.command("webhooks")
def webhooks(
    status: Annotated[str, typer.Option(help="Which ones: dead (given up on: what "
                                        "nectar_billing_webhooks_dead_total counts), "
                                        "received, credited, mismatch, ...")] = "dead",
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many, newest "
                                       "first.")] = 100,
    requeue: Annotated[int | None, typer.Option(help="Put this dead webhook back to be "
                                                "processed again (after fixing its cause)."
                                                )] = None,
    reason: Annotated[str, typer.Option(help="With --requeue: why (audit log).")] = "",
    yes: Annotated[bool, typer.Option("--yes", help="With --requeue: really do it.")]
    = False,
    actor: Actor = "",
    database_url: DatabaseUrl = None,
    target: TargetOpt = "auto",
) -> None:
    """Recorded provider webhooks as JSON lines (default: the dead ones, with their last
    error), or --requeue ID --yes to process a dead one again."""
    from dataclasses import asdict

    from nectar_billing import operations

    where = target_of(target, database_url)
    if requeue is None:
        for row in _action(where, lambda deps: operations.list_webhooks(status, limit, deps)):
            typer.echo(json.dumps(asdict(row), ensure_ascii=False))
        return
    if not yes or not reason:
        typer.echo(f"dry run: would requeue dead webhook {requeue}; add --reason R --yes",
                   err=True)
        return
    _action(where, lambda deps: operations.requeue_webhook(requeue, actor or _me(), reason,
                                                           deps), announce=True)
    typer.echo(f"webhook {requeue} requeued")


@db_app.command("backup")
def backup(
    out: Annotated[Path | None, typer.Option(help="Dump file to write (default: "
                                             "./backups/<db>-<UTC time>.dump).")] = None,
    database_url: DatabaseUrl = None,
    target: TargetOpt = "auto",
) -> None:
    """pg_dump (custom format) of the billing database. Recovery point: the moment of the
    dump; see docs/billing-backups.md for WAL archiving."""
    from nectar_billing import backup as bk
    from sqlalchemy.engine import make_url

    where = target_of(target, database_url)
    url = _settings(where).database_url.get_secret_value()
    _announce(where)
    target = out or bk.default_backup_path(Path("backups"), make_url(url).database or "db")
    typer.echo(str(_run_sync(lambda: bk.backup(url, target))))


@db_app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="A dump written by `nectar db backup`.")],
    into: Annotated[str, typer.Option(help="NEW database to create and restore into (an "
                                      "existing one is refused).")],
    database_url: DatabaseUrl = None,
    target: TargetOpt = "auto",
) -> None:
    """Restore a dump into a new database (never over an existing one) on the target's
    Postgres server."""
    from nectar_billing import backup as bk

    where = target_of(target, database_url)
    url = _settings(where).database_url.get_secret_value()
    _announce(where)
    _run_sync(lambda: bk.restore(url, file, into))
    typer.echo(f"restored {file} into database {into}")


def _run_sync(fn):
    from nectar_billing.domain import BillingError

    try:
        return fn()
    except BillingError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
