"""Property-based tests of event decoding: whatever bytes arrive, `parse_event` returns a valid
event or raises `MalformedEvent` with a readable reason; it never crashes otherwise."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from nectar_contracts import ALL_EVENTS, MalformedEvent, parse_event
from nectar_contracts.registry import EVENT_TYPES

TYPES = sorted(EVENT_TYPES)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12)


def _decodes_or_explains(raw: bytes, expected=None) -> None:
    try:
        event = parse_event(raw, expected)
    except MalformedEvent as exc:
        assert exc.kind in ("malformed", "unknown_type")
        assert exc.reason and len(exc.reason) < 20_000
    else:
        assert event.type in EVENT_TYPES
        # what was accepted survives a round trip unchanged
        assert parse_event(event.model_dump_json().encode()) == event


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes(raw: bytes) -> None:
    _decodes_or_explains(raw)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json(value) -> None:
    _decodes_or_explains(json.dumps(value).encode())


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(TYPES), st.dictionaries(
    st.sampled_from(["event_id", "schema_version", "occurred_at", "correlation_id",
                     "causation_id", "user_id", "producer", "chat_id", "character", "session",
                     "text", "language", "plan", "reply_mode", "amount", "window", "lines",
                     "reason", "consumer", "deliveries", "update"]),
    json_values, max_size=12))
def test_an_event_type_with_arbitrary_fields(type_: str, fields: dict) -> None:
    _decodes_or_explains(json.dumps({"type": type_, **fields}).encode())


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ALL_EVENTS), st.sampled_from(ALL_EVENTS))
def test_an_event_of_another_type_is_refused_as_unknown_here(got, expected) -> None:
    raw = json.dumps({"type": got.event_type()}).encode()
    try:
        parse_event(raw, (expected,))
    except MalformedEvent as exc:
        if got is not expected:
            assert exc.kind == "unknown_type" and expected.event_type() in exc.reason
