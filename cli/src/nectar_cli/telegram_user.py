"""Acting as a Telegram user against the Bot API emulator's user-side API."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx


class NoReply(Exception):
    """The bot did not answer in time."""


@dataclass
class TelegramUser:
    """One emulated Telegram user talking to one bot."""

    api: str
    token: str
    user_id: int
    language: str = "en"
    first_name: str = "Tester"

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.api, timeout=40)
        self.last_seen = self._latest_message_id()

    def _latest_message_id(self) -> int:
        messages = self._poll(after=0, timeout=0)
        return max((m["message_id"] for m in messages), default=0)

    def _poll(self, after: int, timeout: float) -> list[dict[str, Any]]:
        resp = self.client.get(
            f"/_emulator/bots/{self.token}/chats/{self.user_id}/messages",
            params={"after_message_id": after, "timeout": timeout})
        resp.raise_for_status()
        return list(resp.json()["messages"])

    def send(self, text: str) -> dict[str, Any]:
        resp = self.client.post(
            f"/_emulator/bots/{self.token}/users/{self.user_id}/messages",
            json={"text": text, "language_code": self.language,
                  "first_name": self.first_name})
        resp.raise_for_status()
        return dict(resp.json())

    def replies(self, wait_s: float = 30.0, settle_s: float = 1.5) -> list[dict[str, Any]]:
        """Bot messages after the last seen one: waits up to `wait_s` for the first, then
        keeps collecting until none arrives for `settle_s`."""
        deadline = time.monotonic() + wait_s
        got: list[dict[str, Any]] = []
        while True:
            remaining = deadline - time.monotonic() if not got else settle_s
            if remaining <= 0:
                break
            batch = self._poll(self.last_seen, timeout=min(remaining, 25))
            if not batch:
                if got:
                    break
                continue
            got.extend(batch)
            self.last_seen = max(m["message_id"] for m in batch)
        if not got:
            raise NoReply(f"no reply from the bot within {wait_s:.0f} s")
        return got
