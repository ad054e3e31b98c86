"""The OpenRouter emulator's prompt-cache model over HTTP: families, minimum prefix, TTL."""

from __future__ import annotations

import httpx
import pytest
from nectar_emulators.openrouter import OpenRouterEmulatorSettings

AUTH = {"Authorization": "Bearer sk-or-cache-test"}
PREFIX = "You are Mira, a warm companion who remembers everything. " * 100  # ~1400 tokens


@pytest.fixture
def openrouter_settings() -> OpenRouterEmulatorSettings:
    return OpenRouterEmulatorSettings(
        cache_min_tokens=1024,
        cache_families={"fam/marker": "marker", "fam/auto": "automatic", "fam/none": "none"})


def body(model: str, line: str, *, marker: bool, prefix: str = PREFIX) -> dict:
    part: dict = {"type": "text", "text": prefix}
    if marker:
        part["cache_control"] = {"type": "ephemeral"}
    return {"model": model, "usage": {"include": True},
            "messages": [{"role": "system", "content": [part]},
                         {"role": "user", "content": line}]}


async def cached(http: httpx.AsyncClient, url: str, payload: dict) -> int:
    response = await http.post(f"{url}/api/v1/chat/completions", json=payload, headers=AUTH)
    response.raise_for_status()
    return response.json()["usage"]["prompt_tokens_details"]["cached_tokens"]


@pytest.mark.parametrize(("model", "marker", "hits"), [
    ("fam/marker-1", True, True), ("fam/marker-1", False, False),
    ("fam/auto-1", False, True), ("fam/none-1", True, False)])
async def test_families_decide_whether_a_repeated_prefix_is_read_from_cache(
        openrouter, http, model, marker, hits) -> None:
    assert await cached(http, openrouter.url, body(model, "hi", marker=marker)) == 0
    second = await cached(http, openrouter.url, body(model, "again", marker=marker))
    assert (second > 1024) is hits


async def test_short_prefix_never_caches_and_entries_expire(openrouter, http) -> None:
    short = body("fam/auto-2", "hi", marker=True, prefix="You are Mira. " * 10)
    assert await cached(http, openrouter.url, short) == 0
    assert await cached(http, openrouter.url, short) == 0

    await cached(http, openrouter.url, body("fam/marker-2", "hi", marker=True))
    response = await http.post(f"{openrouter.url}/_emulator/clock", json={"advance_s": 301})
    assert response.status_code == 200
    assert await cached(http, openrouter.url, body("fam/marker-2", "late", marker=True)) == 0
    bad = await http.post(f"{openrouter.url}/_emulator/clock", json={"advance_s": -1})
    assert bad.status_code == 422
