"""Splitting long replies within Inworld's limits (2,000 characters, 20 breaks of at most
10 s per request), at sentence ends in every script, losing no word."""

from __future__ import annotations

import re

import pytest
from nectar_voice.domain import LANGUAGES, EngineCaps, Limits, NothingToSay, prepare
from nectar_voice.domain.expressive import enrich_tokens, render_ssml
from nectar_voice.domain.splitting import split_tokens

SSML = EngineCaps(languages=frozenset(LANGUAGES), ssml=True)
PLAIN = EngineCaps(languages=frozenset(LANGUAGES), ssml=False,
                   limits=Limits(max_chars=300, max_breaks=1000))
BREAK = re.compile(r'<break time="([\d.]+)s"/>')
TAGS = re.compile(r"</?speak>|<break[^>]*>")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", TAGS.sub(" ", text))


def assert_within(chunks: tuple[str, ...], limits: Limits) -> None:
    for chunk in chunks:
        assert len(chunk) <= limits.max_chars, len(chunk)
        breaks = [float(s) for s in BREAK.findall(chunk)]
        assert len(breaks) <= limits.max_breaks
        assert all(s <= limits.max_break_s for s in breaks)
        assert chunk.startswith("<speak>") == bool(breaks)


def test_short_reply_is_one_request() -> None:
    script = prepare("Hi there... how are you?", "en", SSML)
    assert script.chunks == ('<speak>Hi there<break time="0.3s"/> how are you?</speak>',)


def test_long_reply_splits_at_sentence_ends_within_limits_and_loses_nothing() -> None:
    sentences = [f"Sentence {i} starts here... and then it ends." for i in range(150)]
    reply = " ".join(sentences)
    script = prepare(reply, "en", SSML)
    assert len(script.chunks) > 1
    assert_within(script.chunks, SSML.limits)
    assert words(" ".join(script.chunks)) == words(reply)
    for chunk in script.chunks:  # every request ends where a sentence ends
        assert TAGS.sub("", chunk).rstrip().endswith(".")


def test_twenty_one_breaks_make_two_requests() -> None:
    reply = " ".join(f"Word{i}..." for i in range(21)) + " End."
    script = prepare(reply, "en", SSML)
    assert_within(script.chunks, SSML.limits)
    assert sum(len(BREAK.findall(c)) for c in script.chunks) == 21
    assert len(script.chunks) == 2


@pytest.mark.parametrize(("language", "sentence", "end"), [
    ("zh", "这是一个相当长的中文句子，用来测试分割。", "。"),
    ("ja", "これは分割をテストするための長い日本語の文です！", "！"),
    ("ko", "이것은 분할을 시험하기 위한 한국어 문장입니다? ", "?"),
    ("hi", "यह विभाजन की जाँच के लिए एक लंबा हिंदी वाक्य है। ", "।"),
    ("ar", "هذه جملة عربية طويلة لاختبار التقسيم؟ ", "؟"),
])
def test_splits_at_sentence_ends_in_other_scripts(language: str, sentence: str,
                                                  end: str) -> None:
    reply = sentence * 200
    script = prepare(reply, language, SSML)
    assert len(script.chunks) > 1
    assert_within(script.chunks, SSML.limits)
    for chunk in script.chunks:
        assert TAGS.sub("", chunk).rstrip().endswith(end)
    assert "".join(words("".join(script.chunks))) == "".join(words(reply))


def test_a_sentence_longer_than_a_request_is_cut_between_clauses_then_words() -> None:
    reply = ", ".join(f"clause number {i} goes on" for i in range(200)) + "."
    script = prepare(reply, "en", SSML)
    assert len(script.chunks) > 1
    assert_within(script.chunks, SSML.limits)
    assert words(" ".join(script.chunks)) == words(reply)
    unbroken = "x" * 4500
    script = prepare(unbroken, "en", SSML)
    assert [len(c) for c in script.chunks] == [2000, 2000, 500]


def test_plain_engines_get_their_own_limit_and_no_markup() -> None:
    reply = " ".join(f"Line {i} goes here... yes." for i in range(60))
    script = prepare(reply, "en", PLAIN)
    assert len(script.chunks) > 1 and all(len(c) <= 300 for c in script.chunks)
    assert not any("<" in c for c in script.chunks)


def test_ten_thousand_characters_are_voiced_in_requests_within_limits() -> None:
    reply = ("Tell me more about your day, I want to hear everything... " * 200)[:10_000]
    script = prepare(reply, "en", SSML)
    assert not script.truncated
    assert_within(script.chunks, SSML.limits)
    assert len(script.chunks) >= 5


def test_past_the_cap_the_reply_is_cut_at_a_sentence_end() -> None:
    reply = "This is one sentence. " * 100
    script = prepare(reply, "en", SSML, max_total_chars=500)
    assert script.truncated
    assert script.chars <= 500
    assert script.chunks[-1].endswith("sentence.")


def test_only_tags_and_emoji_is_nothing_to_say() -> None:
    with pytest.raises(NothingToSay):
        prepare("*laughs* 😂 [giggles]", "en", SSML)


def test_split_tokens_keeps_break_tokens_whole() -> None:
    tokens = enrich_tokens("a" * 50 + "..." + "b" * 50, "en")
    pieces = split_tokens(tokens, Limits(max_chars=60), render_ssml)
    assert "".join(pieces) == tokens
