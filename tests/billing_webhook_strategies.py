"""Hypothesis strategies of provider webhook bodies, and their signatures: shared by the
billing unit and integration property tests (this directory is on their import path)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from hypothesis import strategies as st


def crypto_signed(body: bytes, token: str) -> dict[str, str]:
    """Crypto Pay's signature header: HMAC-SHA256 of the body keyed by SHA-256(token)."""
    key = hashlib.sha256(token.encode()).digest()
    return {"crypto-pay-api-signature": hmac.new(key, body, hashlib.sha256).hexdigest()}


def paddle_signed(body: bytes, secret: str) -> dict[str, str]:
    """Paddle's `Paddle-Signature: ts=...;h1=...` over `ts:body`, signed now."""
    ts = int(time.time())
    h1 = hmac.new(secret.encode(), f"{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"paddle-signature": f"ts={ts};h1={h1}"}


#: JSON number and literal spellings, including those billing cannot process
RAW_NUMBERS = st.one_of(
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e15", "1e30",
                     "0", "-0", "-1", "0.000000001", "9.99", "1999", "1e-400", "1E+3",
                     "123456789012345678901234567890", "null", "true", '"9.99"', '"NaN"',
                     '"1e15"', '"\\u0000"', '"\\ud800"', '""', "[]", "{}"]),
    st.integers().map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr).filter(
        lambda s: s not in ("inf", "-inf")),
    st.decimals(allow_nan=False, allow_infinity=False).map(str))

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)


CRYPTO = (b'{"update_id": 1, "update_type": UPDATE_TYPE, "request_date": DATE, '
          b'"payload": {"invoice_id": INVOICE_ID, "asset": ASSET, "amount": AMOUNT, '
          b'"status": STATUS, "paid_at": DATE}}')
PADDLE = (b'{"event_id": "evt_1", "event_type": EVENT_TYPE, "occurred_at": DATE, '
          b'"data": {"id": TXN, "action": ACTION, "status": STATUS, "transaction_id": TXN, '
          b'"currency_code": CURRENCY, "custom_data": CUSTOM, '
          b'"details": {"totals": {"total": AMOUNT}}, "totals": {"total": AMOUNT}}}')

TEXTS = st.one_of(st.text(max_size=12).map(json.dumps),
                  st.sampled_from(['"USDT"', '"USD"', '"JPY"', '"paid"', '"approved"',
                                   '"refund"', '"2026-12-01T00:00:00Z"', '"not a date"',
                                   '"US\\u0000D"', '"\\udfff"', "null", "7"]),
                  RAW_NUMBERS)


CRYPTO_VALID = {b"UPDATE_TYPE": '"invoice_paid"', b"DATE": '"2026-12-01T00:00:00Z"',
                b"INVOICE_ID": "7", b"ASSET": '"USDT"', b"AMOUNT": '"9.99"',
                b"STATUS": '"paid"'}
PADDLE_VALID = {b"EVENT_TYPE": '"transaction.completed"', b"DATE": '"2026-12-01T00:00:00Z"',
                b"TXN": '"txn_01"', b"ACTION": '"refund"', b"STATUS": '"approved"',
                b"CURRENCY": '"USD"', b"CUSTOM": '{"nectar_invoice": "inv-1"}',
                b"AMOUNT": '"1999"'}
MUTATIONS = {b"UPDATE_TYPE": TEXTS, b"DATE": TEXTS, b"INVOICE_ID": RAW_NUMBERS | TEXTS,
             b"ASSET": TEXTS, b"AMOUNT": RAW_NUMBERS | TEXTS, b"STATUS": TEXTS,
             b"EVENT_TYPE": st.sampled_from(['"adjustment.updated"', '"adjustment.created"',
                                             '"customer.updated"']) | TEXTS,
             b"TXN": TEXTS, b"ACTION": st.just('"chargeback"') | TEXTS,
             b"CURRENCY": st.just('"JPY"') | TEXTS,
             b"CUSTOM": st.sampled_from(["null", "{}", '{"nectar_invoice": null}'])
             | JSON_VALUES.map(json.dumps)}


def mutated(template: bytes, valid: dict[bytes, str]) -> st.SearchStrategy[bytes]:
    """A valid body with up to three fields replaced by anything a provider might send."""
    @st.composite
    def build(draw) -> bytes:
        slots = draw(st.sets(st.sampled_from(sorted(valid)), max_size=3))
        body = template
        for slot, value in valid.items():
            body = body.replace(slot, (draw(MUTATIONS[slot]) if slot in slots
                                       else value).encode())
        return body
    return build()


def crypto_bodies() -> st.SearchStrategy[bytes]:
    return mutated(CRYPTO, CRYPTO_VALID)


def paddle_bodies() -> st.SearchStrategy[bytes]:
    return mutated(PADDLE, PADDLE_VALID)
