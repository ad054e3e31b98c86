"""Pure rules: summary windows, line exclusion, memory selection, settings validation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from nectar_contracts import ChatLine, MemoryHit
from nectar_memory.domain import select_memories, summary_window, without_line
from nectar_memory.settings import MemorySettings

AT = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("turns", "window"), [(0, None), (1, None), (9, None), (10, 0),
                                               (11, None), (20, 1), (30, 2)])
def test_summary_window_every_ten(turns: int, window: int | None) -> None:
    assert summary_window(turns, 10) == window


def test_without_line_drops_only_the_last_occurrence() -> None:
    same = ChatLine(role="user", content="hi", at=AT)
    other = ChatLine(role="assistant", content="hello", at=AT)
    assert without_line([same, other, same], same) == [same, other]
    assert without_line([other], same) == [other]


def test_select_memories_sorts_and_skips_the_current_summary() -> None:
    hits = [MemoryHit(text="b", score=0.2), MemoryHit(text="latest", score=0.9),
            MemoryHit(text="a", score=0.5)]
    assert [h.text for h in select_memories(hits, "latest ")] == ["a", "b"]
    assert [h.text for h in select_memories(hits, None)] == ["latest", "a", "b"]


def test_settings_defaults_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    s = MemorySettings()
    assert (s.hot_buffer_size, s.hot_ttl_s, s.top_k, s.summary_every, s.chroma_url,
            s.chroma_collection, s.chroma_shards, s.embedder) == (
        40, 30 * 86400, 4, 10, "http://127.0.0.1:8010", "nectar_memories_v2", 32, "e5")
    monkeypatch.setenv("MEMORY_TOP_K", "7")
    monkeypatch.setenv("MEMORY_CHROMA_AUTH_TOKEN", "s3cret")
    s = MemorySettings()
    monkeypatch.setenv("MEMORY_EMBEDDING_API_KEY", "k3y")
    monkeypatch.setenv("MEMORY_EMBEDDER", "openai")
    s = MemorySettings()
    assert s.top_k == 7 and "s3cret" not in repr(s) and "k3y" not in repr(s)
    assert s.embedder == "openai"


def test_settings_refuse_a_window_larger_than_the_hot_buffer() -> None:
    with pytest.raises(ValidationError, match="2 x MEMORY_SUMMARY_EVERY"):
        MemorySettings(hot_buffer_size=10, summary_every=10)
