"""Behaviour specs of the Inworld emulator."""

from __future__ import annotations

import pytest
from nectar_emulators.inworld.audio import render_speech, spoken_characters
from nectar_emulators.inworld.behaviours import parse_behaviour


@pytest.mark.parametrize(("spec", "kind", "status", "seconds"), [
    ("ok", "ok", None, None), ("http_503", "http", 503, None), ("http_429:7", "http", 429, 7.0),
    ("budget_exhausted", "budget_exhausted", None, None), ("timeout", "timeout", None, None),
    ("timeout:2.5", "timeout", None, 2.5), ("slow:250", "slow", None, 0.25),
    ("corrupt_base64", "corrupt_base64", None, None),
    ("corrupt_audio", "corrupt_audio", None, None), ("empty_audio", "empty_audio", None, None),
    ("bad_json", "bad_json", None, None),
])
def test_specs_parse(spec: str, kind: str, status: int | None, seconds: float | None) -> None:
    behaviour = parse_behaviour(spec)
    assert (behaviour.kind, behaviour.status, behaviour.seconds) == (kind, status, seconds)


@pytest.mark.parametrize("spec", ["nope", "http_999", "slow", "timeout:x", "slow:-1", "ok:1"])
def test_bad_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_behaviour(spec)


def test_speech_length_follows_the_text_and_breaks() -> None:
    short = render_speech("Hello.", rate=24000)
    long = render_speech("Hello there, this is a much longer sentence to say.", rate=24000)
    paused = render_speech('<speak>Hello<break time="2s"/> there.</speak>', rate=24000)
    plain = render_speech("Hello there.", rate=24000)
    assert len(long) > 3 * len(short)
    assert (len(paused) - len(plain)) / 24000 == pytest.approx(2.0, abs=0.1)
    assert len(render_speech("Hello there.", rate=24000, speaking_rate=1.5)) < len(plain)
    assert spoken_characters('<speak>Hi<break time="1s"/></speak>') == 2
