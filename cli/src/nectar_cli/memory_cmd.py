"""`nectar memory ...`: inspect, search, import and rebuild the memory service's data.

Where they act is resolved in one place (`nectar_cli.targets`): the stack file that `nectar
say`, `chat`, `status` and `dlq` use, else the environment (`NECTAR_REDIS_URL`,
`MEMORY_CHROMA_URL`, `NECTAR_NATS_URL`: required, never a default port); an ambiguous target
is refused (`nectar memory --target stack|env ...`). `rebuild --apply` prints its target
(stderr) before it wipes anything. Output is JSON (one object, or JSON lines for search).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(help="Memory service: show, search, import and rebuild memories.",
                  no_args_is_help=True)

UserOpt = Annotated[int, typer.Option("--user", help="Telegram user id.")]
CharacterOpt = Annotated[str, typer.Option("--character", help="Character id.")]


def _run(coro: Any) -> Any:
    from nectar_memory.adapters.jetstream_log import LogUnavailable
    from nectar_memory.admin import AdminError
    from nectar_memory.domain import SemanticMemoryUnavailable

    try:
        return asyncio.run(coro)
    except AdminError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    except (LogUnavailable, SemanticMemoryUnavailable, OSError) as exc:
        typer.echo(f"error: {exc} (is the stack up? `make up`, `nectar status`)", err=True)
        raise typer.Exit(3) from exc


MEMORY_STORES = ("NECTAR_REDIS_URL", "MEMORY_CHROMA_URL", "NECTAR_NATS_URL")


@app.callback()
def where(ctx: typer.Context, target: Annotated[str, typer.Option(
        "--target", help="Where to act: `stack` (the local stack's stack file), `env` (the "
        "environment) or `auto` (the stack file when there is one, refused when the "
        "environment points elsewhere).")] = "auto") -> None:
    """Memory service: show, search, import and rebuild memories."""
    ctx.obj = target


def _settings(ctx: typer.Context, announce: bool = False) -> Any:
    from nectar_memory.settings import MemorySettings

    from nectar_cli.billing_cmd import target_of
    from nectar_cli.targets import TargetError

    target = target_of(ctx.obj or "auto", None)
    try:
        urls = {name: target.require(name, "memory") for name in MEMORY_STORES}
    except TargetError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if announce:
        typer.echo(target.describe(*MEMORY_STORES), err=True)
    del urls
    return target.settings("memory", MemorySettings)


def _echo(obj: object) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, default=str))


@app.command()
def show(
    ctx: typer.Context,
    user: UserOpt,
    character: CharacterOpt,
    session: Annotated[str | None, typer.Option(help="Session to show (default: the current "
                                                "one).")] = None,
) -> None:
    """Print every memory layer of a conversation as JSON: current session, hot buffer,
    assistant-line counter, cached summary and summary lock (Redis), stored summaries
    (Chroma)."""
    from nectar_memory import admin

    _echo(_run(admin.show(_settings(ctx), user, character, session)))


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What to look for (any language).")],
    user: UserOpt,
    character: CharacterOpt,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many memories.")] = 4,
) -> None:
    """Print the top-K memories of (user, character) for QUERY, best first, as JSON lines
    `{"rank", "score", "text"}` (score: cosine similarity in [0, 1])."""
    from nectar_memory import admin

    for hit in _run(admin.search(_settings(ctx), user, character, query, k)):
        _echo(hit)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="JSON lines: {\"user\", \"character\", "
                                         "\"session\", \"text\"} per line.", exists=True,
                                         dir_okay=False, readable=True)],
) -> None:
    """Load summaries from another system. The whole file is validated first (a bad line
    imports nothing and is reported with its number). Each summary is published to the log
    as `chat.summary_written` (imported) and stored; texts already stored are skipped."""
    from nectar_memory import admin

    report = _run(admin.import_file(_settings(ctx), file))
    _echo({"imported": report.imported, "already_there": report.already_there,
           "conversations": report.conversations})


@app.command()
def rebuild(
    ctx: typer.Context,
    user: Annotated[int | None, typer.Option("--user", help="Rebuild this user only.")] = None,
    all_users: Annotated[bool, typer.Option("--all", help="Rebuild every user.")] = False,
    apply: Annotated[bool, typer.Option("--apply", help="Do it. Without it: a dry run that "
                                        "prints what would be wiped and replayed.")] = False,
    expect_users: Annotated[int | None, typer.Option(
        help="With --all --apply: the number of users the log must hold (from the dry run); "
        "refuses to run otherwise.")] = None,
) -> None:
    """Rebuild the hot buffer (Redis) and the summaries (Chroma) from the event log: wipe
    them, then replay chat.turn_received, chat.reply_delivered, chat.summary_written,
    chat.conversation_reset and billing.user_deleted in log order. Dry run by default."""
    from nectar_memory import admin

    if (user is None) == (not all_users):
        typer.echo("error: give exactly one of --user ID or --all", err=True)
        raise typer.Exit(2)
    settings = _settings(ctx, announce=apply)  # the target, before anything is wiped
    plan = _run(admin.rebuild_plan(settings, user))
    if not apply:
        _echo(plan)
        typer.echo("dry run: nothing changed; add --apply to rebuild", err=True)
        return
    if all_users:
        if expect_users is None or expect_users != plan["users_in_log"]:
            typer.echo(f"error: the log holds {plan['users_in_log']} users; rebuild --all "
                       f"--apply needs --expect-users {plan['users_in_log']} to confirm",
                       err=True)
            raise typer.Exit(1)
    _echo(_run(admin.run_rebuild(settings, user)))
