"""The emulator's model of provider prompt caching.

Providers cache a prompt by its prefix, each in its own way (measured in production, see the
prompt-caching seed): some cache only up to a part marked with `cache_control` and read 0%
without it ("marker", Gemini 3.1 via OpenRouter), some cache repeated prefixes on their own
("automatic"), and some keep caches on the server a session sticks to ("sticky", Grok: long
lived, but a request that lands on another server misses). All of them ignore prefixes shorter
than a minimum, and entries expire.

The prompt is a sequence of blocks (one per message part, role included). A request reads the
longest stored prefix of its blocks that is at least `min_tokens` long, then stores the
prefixes its family caches:
- marker: the prefix up to the last part with `cache_control` (nothing without one);
- automatic and sticky: every block boundary up to the last message (the new user line is
  never a useful prefix).
Sticky entries live on one of `servers` servers: the request's `user` picks the server (the
same user always lands on the same one), a request without `user` lands on a random one.
Sticky entries last `sticky_ttl_s` and are refreshed by every hit; the others last `ttl_s`.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .protocol import estimate_tokens

__all__ = ["FAMILIES", "PromptCache", "blocks_of", "family_of"]

FAMILIES = ("marker", "automatic", "sticky", "none")


def blocks_of(messages: list[dict[str, Any]]) -> tuple[list[str], int | None, int]:
    """(blocks, index of the last block with cache_control or None, first block of the
    last message)."""
    blocks: list[str] = []
    marked: int | None = None
    last_message_start = 0
    for message in messages:
        last_message_start = len(blocks)
        content = message.get("content")
        parts = content if isinstance(content, list) else [{"type": "text", "text": content or ""}]
        for part in parts:
            if not isinstance(part, dict):
                continue
            blocks.append(f"{message.get('role')}:{part.get('text', '')}")
            if part.get("cache_control"):
                marked = len(blocks) - 1
    return blocks, marked, last_message_start


def family_of(model: str, families: Mapping[str, str], default: str) -> str:
    """A model's cache family: exact id, else the longest matching id prefix, else default."""
    if model in families:
        return families[model]
    best = ""
    for key in families:
        if model.startswith(key) and len(key) > len(best):
            best = key
    return families[best] if best else default


@dataclass
class _Entry:
    expires: float


@dataclass
class PromptCache:
    """Cache entries of every model; `clock` is monotonic seconds (advanced by tests)."""

    min_tokens: int
    ttl_s: float
    sticky_ttl_s: float
    servers: int
    clock: Callable[[], float] = time.monotonic
    offset_s: float = 0.0
    entries: dict[tuple[str, int, str], _Entry] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    def now(self) -> float:
        return self.clock() + self.offset_s

    def clear(self) -> None:
        self.entries.clear()

    def _server(self, family: str, user: str | None) -> int:
        if family != "sticky" or self.servers <= 1:
            return 0
        if user:
            return int(hashlib.sha256(user.encode()).hexdigest(), 16) % self.servers
        return self.rng.randrange(self.servers)

    def lookup_and_store(self, model: str, family: str, messages: list[dict[str, Any]],
                         user: str | None = None) -> tuple[int, int]:
        """(prompt tokens read from cache, prompt tokens newly written to it) for this
        request; stores what the family caches."""
        if family == "none":
            return 0, 0
        blocks, marked, last_start = blocks_of(messages)
        server = self._server(family, user)
        now = self.now()
        ttl = self.sticky_ttl_s if family == "sticky" else self.ttl_s
        digests: list[str] = []
        lengths: list[int] = []
        h = hashlib.sha256()
        total = 0
        for block in blocks:
            h.update(block.encode() + b"\x00")
            digests.append(h.copy().hexdigest())
            total += len(block)
            lengths.append(total)
        cached_chars = 0
        for i in range(len(blocks) - 1, -1, -1):
            key = (model, server, digests[i])
            entry = self.entries.get(key)
            if entry is None:
                continue
            if entry.expires <= now:
                del self.entries[key]
                continue
            if estimate_tokens("x" * lengths[i]) >= self.min_tokens:
                cached_chars = lengths[i]
                if family == "sticky":
                    entry.expires = now + ttl
            break
        if family == "marker":
            store = [marked] if marked is not None else []
        else:
            store = list(range(last_start))
        written_chars = 0
        for i in store:
            if estimate_tokens("x" * lengths[i]) >= self.min_tokens:
                key = (model, server, digests[i])
                if key not in self.entries:
                    written_chars = max(written_chars, lengths[i] - cached_chars)
                self.entries[key] = _Entry(now + ttl)
        read = estimate_tokens("x" * cached_chars) if cached_chars else 0
        written = estimate_tokens("x" * written_chars) if written_chars > 0 else 0
        return read, written
