"""Behaviour specs and markers of the OpenRouter emulator."""

from __future__ import annotations

import pytest
from nectar_emulators.openrouter.behaviours import extract_marker, parse_behaviour
from nectar_emulators.openrouter.replies import default_reply, split_for_stream


@pytest.mark.parametrize(
    ("spec", "kind", "status", "seconds", "text"),
    [
        ("ok", "ok", None, None, None),
        ("text:Hello: world", "text", None, None, "Hello: world"),
        ("http_429", "http", 429, None, None),
        ("http_429:5", "http", 429, 5.0, None),
        ("timeout", "timeout", None, None, None),
        ("timeout:1.5", "timeout", None, 1.5, None),
        ("slow:250", "slow", None, 0.25, None),
        ("stream_cut", "stream_cut", None, None, None),
    ],
)
def test_specs_parse(
    spec: str, kind: str, status: int | None, seconds: float | None, text: str | None
) -> None:
    behaviour = parse_behaviour(spec)

    assert (behaviour.kind, behaviour.status, behaviour.seconds, behaviour.text) == (
        kind,
        status,
        seconds,
        text,
    )


@pytest.mark.parametrize("spec", ["explode", "slow", "slow:fast", "http_99", "ok:1", "timeout:-1"])
def test_bad_specs_are_rejected(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_behaviour(spec)


def test_marker_is_found_and_stripped() -> None:
    behaviour, text = extract_marker("please [[emu:http_502]] answer")

    assert behaviour is not None
    assert behaviour.status == 502
    assert text == "please  answer"


def test_no_marker() -> None:
    assert extract_marker("just talk") == (None, "just talk")


def test_default_reply_is_deterministic_and_truncated() -> None:
    reply = default_reply("a/b", "x" * 300)

    assert reply == default_reply("a/b", "x" * 300)
    assert reply == f'[emulator:a/b] I hear you: "{"x" * 200}"'


def test_stream_pieces_join_back_exactly() -> None:
    content = "  Hello there,  my   dear friend.\nHow are you? "

    pieces = split_for_stream(content, 2)

    assert "".join(pieces) == content
    assert len(pieces) > 2


def test_default_reply_counts_earlier_conversation_messages() -> None:
    from nectar_emulators.openrouter.replies import earlier_messages

    body = {"messages": [{"role": "system", "content": "persona"},
                         {"role": "user", "content": "hi"},
                         {"role": "assistant", "content": "hello"},
                         {"role": "user", "content": "again"}]}
    assert earlier_messages(body) == 2
    assert default_reply("a/b", "again", 2).endswith("(I have 2 earlier messages in context.)")
    assert "earlier" not in default_reply("a/b", "first", 0)
