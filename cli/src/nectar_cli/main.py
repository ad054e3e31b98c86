"""`nectar`: the operator and developer command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import httpx
import typer

from nectar_cli import (
    billing_cmd,
    contracts_cmd,
    deploy_cmd,
    dlq_cmd,
    llm_cmd,
    media_cmd,
    memory_cmd,
    telegram_cmd,
    voice_cmd,
)

app = typer.Typer(help="Nectar: talk to the local stack, inspect it, manage contracts.",
                  no_args_is_help=True, add_completion=False)
app.add_typer(contracts_cmd.app, name="contracts")
app.add_typer(billing_cmd.users_app, name="users")
app.add_typer(billing_cmd.billing_app, name="billing")
app.add_typer(billing_cmd.db_app, name="db")
app.add_typer(memory_cmd.app, name="memory")
app.add_typer(dlq_cmd.app, name="dlq")
app.add_typer(deploy_cmd.app, name="deploy")
app.add_typer(telegram_cmd.app, name="telegram")
config_app = typer.Typer(help="Service configuration.", no_args_is_help=True)
app.add_typer(config_app, name="config")
app.add_typer(llm_cmd.app, name="llm")
app.add_typer(media_cmd.app, name="media")
app.add_typer(voice_cmd.app, name="voice")

CONFIG_DOC = contracts_cmd.ASYNCAPI_DIR.parent / "configuration.md"


@config_app.command("docs")
def config_docs(
    check_only: Annotated[bool, typer.Option("--check", help="Compare, do not write.")] = False,
) -> None:
    """Write docs/configuration.md from the settings classes of every service."""
    from nectar_cli.config_docs import render

    text = render()
    if check_only:
        if not CONFIG_DOC.exists() or CONFIG_DOC.read_text() != text:
            typer.echo(f"{CONFIG_DOC} is stale; run `nectar config docs`", err=True)
            raise typer.Exit(1)
        typer.echo("configuration docs are up to date")
        return
    CONFIG_DOC.write_text(text)
    typer.echo(f"wrote {CONFIG_DOC}")


def _user(user: int, lang: str, emulator: str | None = None, token: str | None = None):
    from nectar_cli.stackinfo import endpoints
    from nectar_cli.telegram_user import TelegramUser

    if emulator and token:
        api, bot_token = emulator, token
    else:
        ep = endpoints()
        if ep.real_telegram:
            typer.echo("TELEGRAM_BOT_TOKEN is set: the stack serves real Telegram. Talk to "
                       "your bot in the Telegram app instead.", err=True)
            raise typer.Exit(2)
        api, bot_token = ep.telegram_api, ep.bot_token
    try:
        return TelegramUser(api, bot_token, user, language=lang)
    except httpx.HTTPError as exc:
        typer.echo(f"cannot reach the Telegram emulator at {api} ({exc}); is the "
                   "stack up? Run `make up`.", err=True)
        raise typer.Exit(3) from exc


def _character(tg, character: str | None, timeout: float) -> None:
    if character:
        tg.send(f"/character {character}")
        tg.replies(wait_s=timeout)


@app.command()
def say(
    text: Annotated[str, typer.Argument(help="What the user says.")],
    user: Annotated[int, typer.Option(help="Telegram user id to act as (positive).")] = 1001,
    character: Annotated[str | None, typer.Option(help="Switch to this character first.")]
    = None,
    lang: Annotated[str, typer.Option(help="Telegram language_code of the user.")] = "en",
    timeout: Annotated[float, typer.Option(help="Seconds to wait for a reply.")] = 30.0,
) -> None:
    """Send one message as a Telegram user; print each bot reply as a JSON line."""
    from nectar_cli.telegram_user import NoReply

    if user <= 0:
        typer.echo("--user must be a positive Telegram id", err=True)
        raise typer.Exit(2)
    tg = _user(user, lang)
    try:
        _character(tg, character, timeout)
        tg.send(text)
        for message in tg.replies(wait_s=timeout):
            typer.echo(json.dumps(message, ensure_ascii=False))
    except NoReply as exc:
        typer.echo(f"error: {exc} (check `make status` and `make logs`)", err=True)
        raise typer.Exit(1) from exc


@app.command()
def chat(
    user: Annotated[int, typer.Option(help="Telegram user id to act as (positive).")] = 1001,
    character: Annotated[str | None, typer.Option(help="Switch to this character first.")]
    = None,
    lang: Annotated[str, typer.Option(help="Telegram language_code of the user.")] = "en",
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each reply.")] = 30.0,
    save_dir: Annotated[Path | None, typer.Option(
        help="Where photos and voice notes from the bot are saved (default: chat/<user> in "
             "the stack's data directory).")] = None,
    emulator: Annotated[str | None, typer.Option(
        help="Bot API emulator URL (default: the running stack's).")] = None,
    token: Annotated[str | None, typer.Option(
        help="Bot token in the emulator (default: the running stack's).")] = None,
) -> None:
    """Chat interactively as a Telegram user (Ctrl-D or /quit to leave).

    Buttons and invoices are numbered: type the number to press it (an invoice is paid with
    emulated Telegram Stars); anything else is a message. Photos and voice notes the bot
    sends are saved as files. A user new to the bot starts with /start, as Telegram's START
    button does."""
    from nectar_cli.stackinfo import running_config
    from nectar_cli.terminal_chat import TerminalChat

    if user <= 0:
        typer.echo("--user must be a positive Telegram id", err=True)
        raise typer.Exit(2)
    tg = _user(user, lang, emulator, token)
    folder = save_dir or running_config().data_dir / "chat" / str(user)
    session = TerminalChat(tg, typer.echo, folder, timeout_s=timeout)
    typer.echo(f"Chatting as Telegram user {user} through the local Bot API emulator. "
               "Type a number to press a button, or just write. /help lists the commands; "
               "Ctrl-D or /quit to leave.")
    if tg.is_new():
        typer.echo("(sending /start, as Telegram's START button does)")
        session.handle("/start")
    if character:
        session.handle(f"/character {character}")
    while True:
        try:
            line = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            return
        if not line:
            continue
        if line in {"/quit", "/exit"}:
            return
        session.handle(line)


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show every component of the local stack and each service's readiness."""
    from nectar_devstack.stack import Stack

    from nectar_cli.stackinfo import running_config

    config = running_config()
    rows = []
    for comp in Stack(config).status():
        rows.append({"name": comp.name, "pid": comp.pid, "running": comp.running,
                     "ready": comp.ready, "url": comp.url})
    for name, port in config.service_ports.items():
        url = f"http://{config.host}:{port}/readyz"
        try:
            detail = httpx.get(url, timeout=3).json()
        except (httpx.HTTPError, ValueError) as exc:
            detail = {"status": "unreachable", "error": str(exc)}
        for row in rows:
            if row["name"] == name:
                row["readyz"] = detail
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
    else:
        for row in rows:
            state = "ready" if row["ready"] else ("running" if row["running"] else "stopped")
            failing = row.get("readyz", {}).get("failing")
            extra = f"  failing: {failing}" if failing else ""
            typer.echo(f"{row['name']:<20} {state:<8} pid={row['pid'] or '-':<8} "
                       f"{row['url'] or ''}{extra}")
    if not all(row["ready"] for row in rows):
        raise typer.Exit(1)


def main() -> None:  # pragma: no cover - console script entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
