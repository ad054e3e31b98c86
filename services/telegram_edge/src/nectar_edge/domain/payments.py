"""Telegram Stars invoices: payloads signed and bound to (user, plan, amount).

Telegram gives the bot's own `invoice_payload` back in the pre-checkout query and in the
`successful_payment` message. The payload is signed with HMAC-SHA256 so that a forged or
edited one (another user, a cheaper amount) is refused before any money moves.

Format (at most 128 bytes, Telegram's limit): `v1.<user>.<plan>.<amount>.<nonce>.<sig>`,
`sig` = the first 16 bytes of HMAC-SHA256(key, the part before it), urlsafe base64.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

STARS_CURRENCY = "XTR"
_VERSION = "v1"


class InvalidPayload(ValueError):
    """The payload is malformed or its signature does not match."""


@dataclass(frozen=True)
class InvoiceTerms:
    """What an invoice sells: a plan to a user for an amount of Stars."""

    user_id: int
    plan: str
    amount: int
    nonce: str


def _sign(key: bytes, body: str) -> str:
    digest = hmac.new(key, body.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def derive_key(bot_token: str) -> bytes:
    """A payload key derived from the bot token (used when no payment secret is set)."""
    return hmac.new(bot_token.encode(), b"nectar-stars-invoice-payload",
                    hashlib.sha256).digest()


def sign_payload(key: bytes, user_id: int, plan: str, amount: int,
                 nonce: str | None = None) -> str:
    """The signed payload of an invoice."""
    if not plan.isalnum():
        raise ValueError(f"plan {plan!r} cannot be put in a payload")
    nonce = nonce or secrets.token_urlsafe(6)
    body = f"{_VERSION}.{user_id}.{plan}.{amount}.{nonce}"
    payload = f"{body}.{_sign(key, body)}"
    assert len(payload.encode()) <= 128
    return payload


def verify_payload(key: bytes, payload: str) -> InvoiceTerms:
    """The terms of a payload this bot signed; raises `InvalidPayload` otherwise."""
    parts = payload.split(".")
    if len(parts) != 6 or parts[0] != _VERSION:
        raise InvalidPayload("not a Nectar invoice payload")
    body, signature = ".".join(parts[:5]), parts[5]
    if not hmac.compare_digest(_sign(key, body).encode(), signature.encode()):
        raise InvalidPayload("bad payload signature")
    try:
        return InvoiceTerms(int(parts[1]), parts[2], int(parts[3]), parts[4])
    except ValueError as exc:
        raise InvalidPayload("malformed payload fields") from exc


@dataclass(frozen=True)
class CheckoutVerdict:
    """Whether a pre-checkout query may go on, and the i18n key of the refusal if not."""

    ok: bool
    error_key: str = ""
    terms: InvoiceTerms | None = None


def check_checkout(key: bytes, payload: str, payer_id: int, currency: str, total: int,
                   prices: dict[str, int]) -> CheckoutVerdict:
    """Pre-checkout rules: our signature, the payer is the user the invoice was made for,
    Stars, the amount of the payload, and the plan still sold at that price."""
    try:
        terms = verify_payload(key, payload)
    except InvalidPayload:
        return CheckoutVerdict(False, "pay_invalid")
    if terms.user_id != payer_id:
        return CheckoutVerdict(False, "pay_invalid", terms)
    if currency != STARS_CURRENCY or total != terms.amount:
        return CheckoutVerdict(False, "pay_invalid", terms)
    if prices.get(terms.plan) != terms.amount:
        return CheckoutVerdict(False, "pay_price_changed", terms)
    return CheckoutVerdict(True, "", terms)
