"""Provider webhooks: signature verification and the payment each notification carries.

Crypto Pay (CryptoBot), https://help.crypt.bot/crypto-pay-api#webhooks: header
`crypto-pay-api-signature` = hex HMAC-SHA256 of the raw body, keyed with SHA-256 of the app
token. The body is an update `{update_id, update_type: "invoice_paid", request_date,
payload: Invoice}`; the invoice's `invoice_id` identifies the payment.

Paddle Billing (the card checkout), https://developer.paddle.com/webhooks/signature-verification:
header `Paddle-Signature: ts=<unix seconds>;h1=<hex>` where h1 = HMAC-SHA256 of
`"<ts>:<raw body>"` keyed with the notification destination's secret. A signature whose
`ts` is further than the replay window from now is refused, so a captured delivery cannot be
replayed later. `transaction.completed` carries the payment (`data.id` = transaction id,
`data.custom_data.nectar_invoice` = our invoice reference, `data.details.totals.total` in
the currency's minor units); one without our invoice reference (`custom_data: null`: a sale
Nectar did not start, e.g. from Paddle's dashboard) is ignored. Refunds are adjustments,
https://developer.paddle.com/webhooks/adjustments/adjustment-created: `adjustment.created`
or `adjustment.updated` with `data.action` `refund` (or `chargeback`) count once their
`data.status` is `approved` (most live refunds are created `pending_approval` and approved
later); `data.id` is the adjustment, `data.transaction_id` the refunded payment,
`data.totals.total` the amount in minor units.

Crypto Pay sends no refund notifications (`invoice_paid` is its only update type).

Verification compares digests with `hmac.compare_digest` (constant time).

A signed body billing cannot store or process is refused as `MalformedNotification` (400)
before anything is written: not JSON, a `NaN`/`Infinity` literal or a number beyond a double
(`1e999`), a NUL character or unpaired surrogate in any key or string (Postgres refuses
them), nesting deeper than any provider sends, and an amount that is not a finite, positive
number within `MAX_AMOUNT` (`domain/ledger.py`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from nectar_billing.domain.errors import BillingError, InvalidAmount, InvalidSignature
from nectar_billing.domain.ledger import check_amount

CRYPTOBOT = "cryptobot"
CARD = "card"
CRYPTOBOT_SIGNATURE_HEADER = "crypto-pay-api-signature"
PADDLE_SIGNATURE_HEADER = "paddle-signature"
#: currencies whose minor unit is not 1/100 (Paddle amounts are in minor units)
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD"})


#: deeper than any provider's notification (Paddle's are about 6 levels)
MAX_DEPTH = 32
#: Paddle adjustment actions that give money back (the payment no longer buys the plan)
PADDLE_REFUND_ACTIONS = frozenset({"refund", "chargeback"})


class MalformedNotification(BillingError):
    """A correctly signed body we cannot read; answered 400, recorded nowhere."""


@dataclass(frozen=True)
class ProviderPayment:
    """What a payment or refund notification says, whatever the provider."""

    provider: str
    external_id: str  # the provider's id of this payment or refund: the idempotency key
    invoice_ref: str  # our invoice, as the provider echoes it back ("" for a refund)
    amount: Decimal
    currency: str
    occurred_at: datetime
    event_type: str
    kind: Literal["payment", "refund"] = "payment"
    #: refund: the provider's id of the payment it gives back
    refers_to: str | None = None


@dataclass(frozen=True)
class Ignored:
    """A verified notification with nothing for billing to do (answered 200, not recorded)."""

    reason: str


Notification = ProviderPayment | Ignored


def verify_cryptobot(raw_body: bytes, signature: str | None, app_token: str) -> None:
    """Raise `InvalidSignature` unless `signature` is the Crypto Pay signature of the body."""
    if not signature:
        raise InvalidSignature(f"missing {CRYPTOBOT_SIGNATURE_HEADER} header")
    secret = hashlib.sha256(app_token.encode()).digest()
    expected = hmac.new(secret, raw_body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise InvalidSignature("crypto pay signature does not match")


def verify_paddle(raw_body: bytes, header: str | None, secret: str, *, now: float,
                  max_skew_s: float) -> None:
    """Raise `InvalidSignature` unless the Paddle-Signature header signs the body and its
    timestamp lies within `max_skew_s` of `now` (unix seconds)."""
    if not header:
        raise InvalidSignature("missing Paddle-Signature header")
    parts: dict[str, list[str]] = {}
    for item in header.split(";"):
        key, sep, value = item.strip().partition("=")
        if sep:
            parts.setdefault(key, []).append(value)
    try:
        ts = int(parts["ts"][0])
    except (KeyError, ValueError):
        raise InvalidSignature("Paddle-Signature has no valid ts") from None
    if abs(now - ts) > max_skew_s:
        raise InvalidSignature(f"Paddle-Signature ts is {int(now - ts)} s away from now "
                               f"(window {max_skew_s:g} s): replayed or clock skew")
    expected = hmac.new(secret.encode(), f"{ts}:".encode() + raw_body,
                        hashlib.sha256).hexdigest()
    # Paddle may send several h1 values while a secret is rotated: any match is enough.
    if not any(hmac.compare_digest(expected, h1.lower()) for h1 in parts.get("h1", [])):
        raise InvalidSignature("Paddle-Signature h1 does not match")


def _reject_constant(name: str) -> Any:
    raise MalformedNotification(f"body holds {name}, which is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise MalformedNotification(f"number {text[:40]} is beyond a double")
    return value


def _check_strings(body: Any) -> None:
    """Every key and string storable (no NUL, valid Unicode), nesting within `MAX_DEPTH`."""
    stack: list[tuple[Any, int]] = [(body, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise MalformedNotification(f"body nests deeper than {MAX_DEPTH} levels")
        if isinstance(node, dict):
            stack.extend((key, depth + 1) for key in node)
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)
        elif isinstance(node, str):
            if "\x00" in node:
                raise MalformedNotification("a string in the body holds a NUL character")
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                raise MalformedNotification("a string in the body is not valid Unicode "
                                            "(an unpaired surrogate)") from None


def _json(raw_body: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw_body, parse_constant=_reject_constant,
                          parse_float=_finite_float)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        if isinstance(exc, MalformedNotification):
            raise
        raise MalformedNotification(f"body is not JSON: {type(exc).__name__}: "
                                    f"{str(exc)[:200]}") from None
    if not isinstance(body, dict):
        raise MalformedNotification("body is not a JSON object")
    _check_strings(body)
    return body


def _amount(value: Any, where: str) -> Decimal:
    try:
        return check_amount(Decimal(str(value)), where)
    except InvalidOperation:
        raise MalformedNotification(f"{where}: {str(value)[:40]!r} is not a number") from None
    except InvalidAmount as exc:
        raise MalformedNotification(str(exc)) from None


def _time(value: Any, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value))  # 3.11 reads a trailing Z
    except ValueError:
        raise MalformedNotification(f"{where}: {value!r} is not a timestamp") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_cryptobot(raw_body: bytes) -> Notification:
    """The payment of an `invoice_paid` update; `Ignored` for other update types."""
    body = _json(raw_body)
    if body.get("update_type") != "invoice_paid":
        return Ignored(f"update type {body.get('update_type')!r} is not a payment")
    invoice = body.get("payload")
    try:
        assert isinstance(invoice, dict)
        invoice_id = int(invoice["invoice_id"])
        if invoice.get("status", "paid") != "paid":
            raise MalformedNotification(f"invoice {invoice_id} is {invoice.get('status')!r}")
        amount = _amount(invoice.get("paid_amount") or invoice["amount"], "amount")
        asset = str(invoice.get("paid_asset") or invoice["asset"])
        paid_at = invoice.get("paid_at") or body.get("request_date")
    except (AssertionError, KeyError, ValueError, TypeError, InvalidOperation) as exc:
        raise MalformedNotification(f"not a Crypto Pay invoice: {exc!r}") from None
    return ProviderPayment(provider=CRYPTOBOT, external_id=str(invoice_id),
                           invoice_ref=str(invoice_id), amount=amount, currency=asset,
                           occurred_at=_time(paid_at, "paid_at"),
                           event_type="invoice_paid")


def _minor_units(total: Any, currency: str) -> Decimal:
    scale = Decimal(1) if currency in ZERO_DECIMAL_CURRENCIES else Decimal(100)
    try:
        minor = Decimal(str(total))
    except InvalidOperation:
        raise MalformedNotification(f"total: {str(total)[:40]!r} is not a number") from None
    if not minor.is_finite():
        raise MalformedNotification(f"total {minor} is not a finite number")
    return _amount(minor / scale, "amount")


def _paddle_transaction(body: dict[str, Any]) -> Notification:
    try:
        data = body["data"]
        txn_id = str(data["id"])
        custom = data.get("custom_data")
        if not isinstance(custom, dict) or custom.get("nectar_invoice") in (None, ""):
            return Ignored(f"transaction {txn_id} has no nectar_invoice in custom_data: "
                           "a sale Nectar did not start")
        invoice_ref = str(custom["nectar_invoice"])
        currency = str(data["currency_code"]).upper()
        amount = _minor_units(data["details"]["totals"]["total"], currency)
    except (KeyError, TypeError, AttributeError, InvalidOperation) as exc:
        raise MalformedNotification(f"not a Paddle transaction: {exc!r}") from None
    return ProviderPayment(provider=CARD, external_id=txn_id, invoice_ref=invoice_ref,
                           amount=amount, currency=currency,
                           occurred_at=_time(body.get("occurred_at"), "occurred_at"),
                           event_type="transaction.completed")


def _paddle_adjustment(body: dict[str, Any]) -> Notification:
    try:
        data = body["data"]
        adjustment_id, action, status = str(data["id"]), data.get("action"), data.get("status")
        if action not in PADDLE_REFUND_ACTIONS or status != "approved":
            return Ignored(f"adjustment {adjustment_id}: {action} {status}, not an approved "
                           "refund")
        txn_id = str(data["transaction_id"])
        currency = str(data["currency_code"]).upper()
        amount = _minor_units(data["totals"]["total"], currency)
    except (KeyError, TypeError, AttributeError, InvalidOperation) as exc:
        raise MalformedNotification(f"not a Paddle adjustment: {exc!r}") from None
    return ProviderPayment(provider=CARD, external_id=adjustment_id, invoice_ref="",
                           amount=amount, currency=currency,
                           occurred_at=_time(body.get("occurred_at"), "occurred_at"),
                           event_type=str(body.get("event_type")), kind="refund",
                           refers_to=txn_id)


def parse_paddle(raw_body: bytes) -> Notification:
    """The payment of a `transaction.completed` notification, the refund of an approved
    refund adjustment; `Ignored` for every other event (and for sales Nectar did not
    start)."""
    body = _json(raw_body)
    event_type = body.get("event_type")
    if event_type == "transaction.completed":
        return _paddle_transaction(body)
    if event_type in ("adjustment.created", "adjustment.updated"):
        return _paddle_adjustment(body)
    return Ignored(f"event type {event_type!r} is not a payment or refund")
