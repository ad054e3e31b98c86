"""In-memory state of the Inworld emulator: scripted behaviours, call log, character budget.

Mutations are synchronous on the event loop, so each is atomic without locks.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .behaviours import Behaviour, parse_behaviour
from .settings import InworldEmulatorSettings

__all__ = ["CallRecord", "InworldEmulator", "ScriptEntry"]


@dataclass
class ScriptEntry:
    """A queued behaviour used by the next `remaining` synthesis calls (None: forever)."""

    behaviour: Behaviour
    remaining: int | None

    def as_json(self) -> dict[str, Any]:
        return {"behaviour": self.behaviour.spec, "times": self.remaining}


@dataclass
class CallRecord:
    """One request as received and how it was answered."""

    path: str
    body: dict[str, Any] | None
    at: float = field(default_factory=time.time)
    behaviour: str | None = None
    response_status: int | None = None
    characters: int = 0
    audio_seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


class InworldEmulator:
    """Scripts, budget and logs shared by every request of one app."""

    def __init__(self, settings: InworldEmulatorSettings) -> None:
        self.settings = settings
        self.default = parse_behaviour(settings.behaviour)
        self.scripts: deque[ScriptEntry] = deque()
        self.calls: list[CallRecord] = []
        self.characters_used = 0
        self.budget: int | None = settings.character_budget

    def script(self, behaviour: Behaviour, times: int | None) -> ScriptEntry:
        entry = ScriptEntry(behaviour, times)
        self.scripts.append(entry)
        return entry

    def next_behaviour(self) -> tuple[Behaviour, str]:
        """(behaviour, source) for the next synthesis call, consuming one scripted use."""
        if self.scripts:
            entry = self.scripts[0]
            if entry.remaining is not None:
                entry.remaining -= 1
                if entry.remaining <= 0:
                    self.scripts.popleft()
            return entry.behaviour, "script"
        return self.default, "setting"

    def over_budget(self, characters: int) -> bool:
        return self.budget is not None and self.characters_used + characters > self.budget

    def reset(self) -> None:
        self.scripts.clear()
        self.calls.clear()
        self.characters_used = 0
        self.budget = self.settings.character_budget
