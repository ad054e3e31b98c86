"""Property tests: any text, no crash, output within limits, idempotent."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nectar_voice.domain import LANGUAGES, EngineCaps, NothingToSay, enrich, prepare

BREAK = re.compile(r'<break time="([\d.]+)s"/>')
SSML = EngineCaps(languages=frozenset(LANGUAGES), ssml=True)
PLAIN = EngineCaps(languages=frozenset(LANGUAGES), ssml=False)

# text full of the things the preprocessor cares about, mixed with arbitrary characters
pieces = st.sampled_from([
    "...", "…", ".....", "……", " ", "\n", "*", "**", "[", "]", "(", ")", "<", ">", "/",
    "<break time=\"2s\"/>", "<break time=\"90s\"/>", "<speak>", "</speak>", "<laugh/>",
    "<emotion>joy</emotion>", "*laughs*", "(sighs)", "[giggles]", "ha-ha", "mmm", "ahh",
    "Hello", "Привет", "你好", "こんにちは", "안녕", "مرحبا", "שלום", "नमस्ते", "!", "?", "。",
    "😂", "👍🏽", "❤️", "\ue000", "\ue0015\ue001", "&", "'", "\"",
])
texts = st.one_of(st.text(max_size=300),
                  st.lists(st.one_of(pieces, st.text(max_size=8)), max_size=60).map("".join))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, language=st.sampled_from(LANGUAGES))
def test_enrich_is_idempotent_and_bounded(text: str, language: str) -> None:
    once = enrich(text, language)
    assert enrich(once.text, language) == once
    assert all(float(s) <= 10.0 for s in BREAK.findall(once.text))
    assert 0.5 <= once.prosody.speaking_rate <= 1.5 and 0 < once.prosody.temperature <= 2
    assert "\ue000" not in once.text and "\ue001" not in once.text
    if once.breaks:
        assert once.text.startswith("<speak>") and once.text.count("<speak>") == 1
    else:
        assert "<" not in once.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(st.one_of(pieces, st.text(max_size=30)), max_size=400).map("".join),
       language=st.sampled_from(LANGUAGES), ssml=st.booleans())
def test_prepared_requests_are_within_limits(text: str, language: str, ssml: bool) -> None:
    caps = SSML if ssml else PLAIN
    try:
        script = prepare(text, language, caps)
    except NothingToSay:
        assert enrich(text, language).text == ""
        return
    assert script.chunks
    for chunk in script.chunks:
        assert chunk.strip()
        assert len(chunk) <= caps.limits.max_chars
        assert len(BREAK.findall(chunk)) <= caps.limits.max_breaks
        if not ssml:
            assert "<" not in chunk
