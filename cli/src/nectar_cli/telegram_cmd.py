"""`nectar telegram`: operator commands against the Bot API of the edge's bot.

The bot token, the webhook secret and the Bot API base URL come from the edge's own
environment variables (EDGE_TELEGRAM_BOT_TOKEN, EDGE_WEBHOOK_SECRET, EDGE_TELEGRAM_API_BASE);
without them, from the running local stack (the Telegram emulator). Secrets are never
printed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
import typer

app = typer.Typer(help="Telegram Bot API operations: webhook, Stars refunds.",
                  no_args_is_help=True)

#: the update types the edge handles (it registers the same list itself at startup)
ALLOWED_UPDATES = ["message", "callback_query", "pre_checkout_query"]


@dataclass(frozen=True)
class BotApi:
    base: str
    token: str

    def call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """POST a Bot API method; the parsed answer (ok true or false)."""
        url = f"{self.base.rstrip('/')}/bot{self.token}/{method}"
        try:
            resp = httpx.post(url, json=params, timeout=15)
        except httpx.HTTPError as exc:
            typer.echo(f"cannot reach the Bot API at {self.base} ({type(exc).__name__})",
                       err=True)
            raise typer.Exit(3) from exc
        try:
            return dict(resp.json())
        except ValueError:
            typer.echo(f"{method}: HTTP {resp.status_code} without a JSON answer", err=True)
            raise typer.Exit(1) from None


def _bot_api() -> BotApi:
    token = os.environ.get("EDGE_TELEGRAM_BOT_TOKEN", "")
    base = os.environ.get("EDGE_TELEGRAM_API_BASE", "")
    if not token or not base:
        from nectar_cli.stackinfo import endpoints

        ep = endpoints()
        token = token or ep.bot_token
        base = base or ("https://api.telegram.org" if ep.real_telegram else ep.telegram_api)
    if not token:
        typer.echo("no bot token: set EDGE_TELEGRAM_BOT_TOKEN (or run `make up`)", err=True)
        raise typer.Exit(2)
    return BotApi(base, token)


def _fail(method: str, answer: dict[str, Any]) -> None:
    typer.echo(f"{method} failed: {answer.get('description', 'unknown error')}", err=True)
    raise typer.Exit(1)


@app.command("set-webhook")
def set_webhook(
    url: Annotated[str, typer.Argument(help="Public HTTPS URL of the edge's "
                                            "/telegram/webhook.")],
    drop_pending: Annotated[bool, typer.Option(
        "--drop-pending", help="Discard updates Telegram holds for the bot.")] = False,
) -> None:
    """Point Telegram at URL with the secret token of EDGE_WEBHOOK_SECRET."""
    secret = os.environ.get("EDGE_WEBHOOK_SECRET", "")
    if not secret:
        typer.echo("EDGE_WEBHOOK_SECRET is not set: the edge refuses webhook calls without "
                   "it (403)", err=True)
        raise typer.Exit(2)
    if not url.startswith(("https://", "http://")):
        typer.echo(f"not a URL: {url!r}", err=True)
        raise typer.Exit(2)
    api = _bot_api()
    answer = api.call("setWebhook", {"url": url, "secret_token": secret,
                                     "allowed_updates": ALLOWED_UPDATES,
                                     "drop_pending_updates": drop_pending})
    if not answer.get("ok"):
        _fail("setWebhook", answer)
    typer.echo(f"webhook set to {url}")


@app.command("delete-webhook")
def delete_webhook(
    drop_pending: Annotated[bool, typer.Option(
        "--drop-pending", help="Discard updates Telegram holds for the bot.")] = False,
) -> None:
    """Remove the webhook (the edge then needs long polling: unset EDGE_WEBHOOK_URL)."""
    answer = _bot_api().call("deleteWebhook", {"drop_pending_updates": drop_pending})
    if not answer.get("ok"):
        _fail("deleteWebhook", answer)
    typer.echo("webhook deleted")


@app.command("webhook-info")
def webhook_info() -> None:
    """Show what Telegram knows about the webhook (URL, pending updates, last error)."""
    answer = _bot_api().call("getWebhookInfo", {})
    if not answer.get("ok"):
        _fail("getWebhookInfo", answer)
    for key, value in sorted(dict(answer.get("result", {})).items()):
        typer.echo(f"{key}: {value}")


@app.command("refund")
def refund(
    user_id: Annotated[int, typer.Option("--user", help="Telegram user id who paid.")],
    charge_id: Annotated[str, typer.Option(
        "--charge", help="telegram_payment_charge_id of the payment (billing's external "
                         "id of the telegram_stars payment).")],
    yes: Annotated[bool, typer.Option(
        "--yes", help="Really refund; without it, only say what would be done.")] = False,
) -> None:
    """Refund a Telegram Stars payment (refundStarPayment); a dry run unless --yes.

    A charge refunded before (CHARGE_ALREADY_REFUNDED) counts as done. The plan is changed
    by billing, not here."""
    if user_id <= 0 or not charge_id.strip():
        typer.echo("--user must be a positive Telegram id and --charge non-empty", err=True)
        raise typer.Exit(2)
    if not yes:
        typer.echo(f"dry run: would refund charge {charge_id} of user {user_id}; "
                   "pass --yes to refund")
        return
    answer = _bot_api().call("refundStarPayment", {"user_id": user_id,
                                                   "telegram_payment_charge_id": charge_id})
    if answer.get("ok"):
        typer.echo(f"refunded charge {charge_id} of user {user_id}")
        return
    if "CHARGE_ALREADY_REFUNDED" in str(answer.get("description", "")):
        typer.echo(f"charge {charge_id} was already refunded: done")
        return
    _fail("refundStarPayment", answer)
