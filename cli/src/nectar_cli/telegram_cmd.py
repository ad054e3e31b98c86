"""`nectar telegram`: operator commands against the Bot API of the edge's bot.

The bot token, the webhook secret and the Bot API base URL come from the edge's own
environment variables (EDGE_TELEGRAM_BOT_TOKEN, EDGE_WEBHOOK_SECRET, EDGE_TELEGRAM_API_BASE);
without them, from the running local stack (the Telegram emulator). The bus (NATS, for the
refund's `billing.payment_refunded`) comes from the same place: NECTAR_NATS_URL with the
environment's bot, the stack's NATS with the stack's bot, never a guess. Secrets are never
printed.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

import httpx
import typer

app = typer.Typer(help="Telegram Bot API operations: webhook, Stars refunds.",
                  no_args_is_help=True)



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


def _nats_url() -> str | None:
    """The bus of the bot `_bot_api` talks to: NECTAR_NATS_URL when the bot comes from the
    environment, the stack's NATS when it comes from the stack, else None (not guessed: a
    default port may belong to another stack)."""
    if os.environ.get("NECTAR_NATS_URL"):
        return os.environ["NECTAR_NATS_URL"]
    if os.environ.get("EDGE_TELEGRAM_BOT_TOKEN") or os.environ.get("EDGE_TELEGRAM_API_BASE"):
        return None
    from nectar_cli.stackinfo import endpoints

    return endpoints().nats_url


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
    from nectar_edge.bot.dispatcher import allowed_updates  # what the edge registers itself

    api = _bot_api()
    answer = api.call("setWebhook", {"url": url, "secret_token": secret,
                                     "allowed_updates": allowed_updates(),
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


@dataclass(frozen=True)
class Paid:
    """What a Stars charge paid, from its `billing.payment_received` on the bus."""

    amount: Decimal
    currency: str
    at: datetime


async def _connect(nats_url: str) -> Any:
    import nats

    async def quiet(_: Exception) -> None:
        return None

    return await asyncio.wait_for(
        nats.connect(nats_url, connect_timeout=3, allow_reconnect=False,
                     max_reconnect_attempts=1, error_cb=quiet), timeout=8)


async def _find_payment(nats_url: str, user_id: int, charge_id: str) -> Paid | None:
    """The user's `billing.payment_received` of this charge (the BILLING stream keeps them
    forever), or None."""
    from nats.js.api import DeliverPolicy
    from nectar_contracts import PaymentReceived

    nc = await _connect(nats_url)
    try:
        js = nc.jetstream()
        subject = PaymentReceived.subject_template.format(user_id=user_id)
        sub = await js.subscribe(subject, ordered_consumer=True,
                                 deliver_policy=DeliverPolicy.ALL)
        try:
            while True:
                try:
                    msg = await sub.next_msg(timeout=1.0)
                except TimeoutError:
                    return None
                data = json.loads(msg.data)
                if data.get("provider") == "telegram_stars" and \
                        data.get("external_id") == charge_id:
                    return Paid(Decimal(str(data["amount"])), str(data["currency"]),
                                datetime.fromisoformat(data["occurred_at"]))
        finally:
            await sub.unsubscribe()
    finally:
        await nc.close()


async def _publish_refund(nats_url: str, user_id: int, charge_id: str, paid: Paid) -> str:
    """Publish `billing.payment_refunded` for the charge (its id derived from the charge and
    the payment, so running the command again publishes the same event); the event id."""
    from nectar_contracts import PaymentRefunded, keyed_uuid7

    event_id = keyed_uuid7(f"telegram-stars-refund|{charge_id}", paid.at)
    event = PaymentRefunded(
        event_id=event_id, correlation_id=event_id, producer="telegram_edge",
        user_id=user_id, provider="telegram_stars", external_id=charge_id,
        amount=paid.amount, currency=paid.currency)
    nc = await _connect(nats_url)
    try:
        await nc.jetstream().publish(event.subject, event.model_dump_json().encode(),
                                     stream=event.stream,
                                     headers={"Nats-Msg-Id": str(event.event_id)})
    finally:
        await nc.close()
    return str(event_id)


def _paid(nats_url: str | None, user_id: int, charge_id: str,
          amount: int | None) -> tuple[Paid | None, str]:
    """What the charge paid (from the bus, else `--amount` Stars) and where that came
    from, for the operator."""
    found: Paid | None = None
    where = "no bus known (set NECTAR_NATS_URL)"
    if nats_url is not None:
        try:
            found = asyncio.run(_find_payment(nats_url, user_id, charge_id))
            where = f"payment_received on {nats_url}" if found else \
                f"no payment_received of this charge on {nats_url}"
        except Exception as exc:  # noqa: BLE001  # the refund itself does not need the bus
            where = f"NATS at {nats_url} unreachable ({type(exc).__name__})"
    if found is None and amount is not None:
        found = Paid(Decimal(amount), "XTR", datetime.now(UTC))
        where += f"; --amount {amount}"
    return found, where


@app.command("refund")
def refund(
    user_id: Annotated[int, typer.Option("--user", help="Telegram user id who paid.")],
    charge_id: Annotated[str, typer.Option(
        "--charge", help="telegram_payment_charge_id of the payment (billing's external "
                         "id of the telegram_stars payment).")],
    yes: Annotated[bool, typer.Option(
        "--yes", help="Really refund; without it, only say what would be done.")] = False,
    amount: Annotated[int | None, typer.Option(
        "--amount", help="Stars refunded, when the payment is not on the bus.")] = None,
) -> None:
    """Refund a Telegram Stars payment (refundStarPayment); a dry run unless --yes.

    A charge refunded before (CHARGE_ALREADY_REFUNDED) counts as done. Then publishes
    `billing.payment_refunded` (amount from the payment's `billing.payment_received` on the
    bus, or --amount) so billing records the refund and derives the plan again; the edge
    publishes the same fact from Telegram's `refunded_payment` message, and tells the
    user."""
    if user_id <= 0 or not charge_id.strip():
        typer.echo("--user must be a positive Telegram id and --charge non-empty", err=True)
        raise typer.Exit(2)
    api = _bot_api()
    nats_url = _nats_url()
    paid, where = _paid(nats_url, user_id, charge_id, amount)
    if not yes:
        what = f"{paid.amount} {paid.currency}" if paid else "amount unknown"
        typer.echo(f"dry run: would refund charge {charge_id} of user {user_id} ({what}; "
                   f"{where}) and publish billing.payment_refunded; pass --yes to refund")
        return
    answer = api.call("refundStarPayment", {"user_id": user_id,
                                            "telegram_payment_charge_id": charge_id})
    if answer.get("ok"):
        typer.echo(f"refunded charge {charge_id} of user {user_id}")
    elif "CHARGE_ALREADY_REFUNDED" in str(answer.get("description", "")):
        typer.echo(f"charge {charge_id} was already refunded: done")
    else:
        _fail("refundStarPayment", answer)
    if paid is None or nats_url is None:
        typer.echo(f"billing.payment_refunded not published here ({where}); the edge "
                   "publishes it when Telegram's refunded_payment message reaches it")
        return
    try:
        event_id = asyncio.run(_publish_refund(nats_url, user_id, charge_id, paid))
    except Exception as exc:
        typer.echo(f"billing.payment_refunded not published ({type(exc).__name__}: {exc}); "
                   "the edge publishes it when Telegram's refunded_payment message reaches "
                   "it", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"published billing.payment_refunded {event_id} ({paid.amount} "
               f"{paid.currency})")
