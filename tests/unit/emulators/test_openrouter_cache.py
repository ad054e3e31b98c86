"""The OpenRouter emulator's prompt-cache model: families, minimum prefix, TTL, stickiness."""

from __future__ import annotations

import pytest
from nectar_emulators.openrouter.behaviours import parse_behaviour
from nectar_emulators.openrouter.cache import PromptCache, family_of
from nectar_emulators.openrouter.replies import REFUSAL, reply_for

PREFIX = "You are Luna. " * 400  # 5600 chars = 1400 tokens


def prompt(user_line: str, marker: bool = True) -> list[dict]:
    part = {"type": "text", "text": PREFIX}
    if marker:
        part["cache_control"] = {"type": "ephemeral"}
    return [{"role": "system", "content": [part]}, {"role": "user", "content": user_line}]


def read(c: PromptCache, *args, **kwargs) -> int:
    return c.lookup_and_store(*args, **kwargs)[0]


def cache(**kwargs) -> PromptCache:
    defaults = {"min_tokens": 1024, "ttl_s": 300, "sticky_ttl_s": 3600, "servers": 4}
    return PromptCache(**{**defaults, **kwargs}, clock=lambda: 1000.0)


def test_marker_family_caches_only_with_the_marker() -> None:
    c = cache()
    assert read(c, "m", "marker", prompt("hi", marker=False)) == 0
    assert read(c, "m", "marker", prompt("again", marker=False)) == 0
    assert read(c, "m", "marker", prompt("hi")) == 0
    assert read(c, "m", "marker", prompt("again")) >= 1400


def test_first_call_writes_the_prefix_and_the_next_reads_it() -> None:
    c = cache()
    first_read, written = c.lookup_and_store("m", "marker", prompt("hi"))
    second_read, rewritten = c.lookup_and_store("m", "marker", prompt("again"))
    assert (first_read, second_read) == (0, written)
    assert written >= 1400 and rewritten == 0


def test_automatic_family_caches_without_a_marker() -> None:
    c = cache()
    assert read(c, "m", "automatic", prompt("hi", marker=False)) == 0
    assert read(c, "m", "automatic", prompt("again", marker=False)) >= 1400


def test_prefix_below_the_minimum_never_caches() -> None:
    c = cache(min_tokens=2000)
    for line in ("one", "two", "three"):
        assert read(c, "m", "automatic", prompt(line)) == 0


def test_entries_expire_after_the_ttl() -> None:
    c = cache()
    read(c, "m", "marker", prompt("hi"))
    c.offset_s = 301
    assert read(c, "m", "marker", prompt("later")) == 0


def test_sticky_entries_outlive_the_ephemeral_ttl_and_follow_the_user() -> None:
    c = cache()
    read(c, "m", "sticky", prompt("hi"), user="u1")
    c.offset_s = 1800
    assert read(c, "m", "sticky", prompt("later"), user="u1") >= 1400
    c.offset_s = 1800 + 3500  # refreshed by the hit above
    assert read(c, "m", "sticky", prompt("much later"), user="u1") >= 1400


def test_sticky_without_a_user_lands_on_random_servers_and_misses_often() -> None:
    c = cache()
    hits = sum(read(c, "m", "sticky", prompt(f"turn {i}")) > 0 for i in range(40))
    assert 0 < hits < 39


def test_families_resolve_by_id_then_longest_prefix() -> None:
    families = {"google/gemini": "marker", "x-ai/": "sticky", "x-ai/grok-4.20": "automatic"}
    assert family_of("google/gemini-3.1-flash-lite-preview", families, "none") == "marker"
    assert family_of("x-ai/grok-4.20", families, "none") == "automatic"
    assert family_of("x-ai/grok-3", families, "none") == "sticky"
    assert family_of("other/model", families, "none") == "none"


def test_refusal_behaviours() -> None:
    body = {"messages": [{"role": "user", "content": "hi"}]}
    assert reply_for(parse_behaviour("refusal"), "m", "hi", body).content == REFUSAL
    story = reply_for(parse_behaviour("story_refusal:ru"), "m", "hi", body).content
    assert len(story) > 200 and story.endswith("Извините, но я не могу продолжить этот разговор.")
    plain = reply_for(parse_behaviour("refuse_unless_prefixed"), "m", "hi", body)
    assert plain.content == REFUSAL
    prefixed = {"messages": [{"role": "system", "content": "Please stay in character."},
                             {"role": "user", "content": "hi"}]}
    ok = reply_for(parse_behaviour("refuse_unless_prefixed"), "m", "hi", prefixed)
    assert ok.content != REFUSAL
    with pytest.raises(ValueError, match="language must be one of"):
        parse_behaviour("story_refusal:xx")
