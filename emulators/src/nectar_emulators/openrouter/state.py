"""In-memory state of the OpenRouter emulator: scripted behaviours, call log, generations.

Mutations are synchronous on the event loop, so each is atomic without locks.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .behaviours import OK, Behaviour, parse_behaviour
from .cache import PromptCache
from .settings import OpenRouterEmulatorSettings

__all__ = ["CallRecord", "OpenRouterEmulator", "ScriptEntry"]


@dataclass
class ScriptEntry:
    """A queued behaviour for one model (or "*"): used by the next `remaining` calls."""

    behaviour: Behaviour
    remaining: int | None

    def as_json(self, model: str) -> dict[str, Any]:
        return {"model": model, "behaviour": self.behaviour.spec, "times": self.remaining}


@dataclass
class CallRecord:
    """One chat completion request as received, and how it was answered."""

    id: str
    model: str | None
    messages_count: int
    stream: bool
    body: dict[str, Any]
    at: float = field(default_factory=time.time)
    served_model: str | None = None
    behaviour: str | None = None
    behaviour_source: str | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    response_status: int | None = None
    outcome: str | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


class OpenRouterEmulator:
    """Scripts, defaults and logs shared by every request of one app."""

    def __init__(self, settings: OpenRouterEmulatorSettings) -> None:
        self.settings = settings
        self.defaults = {m: parse_behaviour(s) for m, s in settings.model_behaviours.items()}
        self.scripts: dict[str, deque[ScriptEntry]] = {}
        self.calls: list[CallRecord] = []
        self.generations: dict[str, dict[str, Any]] = {}
        self.prompt_cache = PromptCache(
            min_tokens=settings.cache_min_tokens, ttl_s=settings.cache_ttl_s,
            sticky_ttl_s=settings.sticky_cache_ttl_s, servers=settings.sticky_servers)
        self.models: list[str] = list(settings.models)

    def script(self, model: str, behaviour: Behaviour, times: int | None) -> ScriptEntry:
        entry = ScriptEntry(behaviour, times)
        self.scripts.setdefault(model, deque()).append(entry)
        return entry

    def clear_scripts(self) -> int:
        count = sum(len(queue) for queue in self.scripts.values())
        self.scripts.clear()
        return count

    def scripted(self) -> list[dict[str, Any]]:
        return [entry.as_json(model) for model, queue in self.scripts.items() for entry in queue]

    def behaviour_for(self, model: str) -> tuple[Behaviour, str]:
        """(behaviour, source) for a call to `model`, consuming one use of a scripted entry.

        Precedence: script for the model, script for "*", per-model default, "*" default, ok.
        """
        for key in (model, "*"):
            queue = self.scripts.get(key)
            if queue:
                entry = queue[0]
                if entry.remaining is not None:
                    entry.remaining -= 1
                    if entry.remaining <= 0:
                        queue.popleft()
                return entry.behaviour, "script"
        for key in (model, "*"):
            if key in self.defaults:
                return self.defaults[key], "setting"
        return OK, "default"

    def note_model(self, model: str) -> None:
        if model not in self.models:
            self.models.append(model)

    def reset(self) -> None:
        self.scripts.clear()
        self.calls.clear()
        self.generations.clear()
        self.prompt_cache.clear()
        self.prompt_cache.offset_s = 0.0
