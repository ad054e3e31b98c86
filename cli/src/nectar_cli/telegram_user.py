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

    def is_new(self) -> bool:
        """No message in this chat yet (Telegram would show the START button)."""
        return self.last_seen == 0

    def press(self, data: str, message_id: int) -> dict[str, Any]:
        """Press the inline button with callback `data` under bot message `message_id`."""
        resp = self.client.post(
            f"/_emulator/bots/{self.token}/users/{self.user_id}/callback",
            json={"data": data, "message_id": message_id, "language_code": self.language,
                  "first_name": self.first_name})
        resp.raise_for_status()
        return dict(resp.json())

    def pay(self, invoice: dict[str, Any]) -> dict[str, Any]:
        """Pay an invoice the bot sent: Telegram's pre-checkout query (the bot approves it,
        then gets the successful_payment message)."""
        resp = self.client.post(
            f"/_emulator/bots/{self.token}/users/{self.user_id}/pre_checkout_query",
            json={"invoice_payload": invoice.get("payload"),
                  "currency": invoice.get("currency"),
                  "total_amount": invoice.get("total_amount"),
                  "language_code": self.language, "first_name": self.first_name})
        resp.raise_for_status()
        return dict(resp.json())

    def file(self, file_id: str) -> tuple[bytes, str]:
        """The bytes and content type of a file the bot uploaded (raises httpx.HTTPError
        for one it sent by URL: the emulator has no bytes of it)."""
        resp = self.client.get(f"/_emulator/bots/{self.token}/files/{file_id}")
        resp.raise_for_status()
        return resp.content, resp.headers.get("content-type", "")

    def message(self, message_id: int) -> dict[str, Any] | None:
        """The current state of a message the bot sent (its edits applied, `deleted` set
        once the bot deleted it)."""
        for message in self._poll(after=message_id - 1, timeout=0):
            if message["message_id"] == message_id:
                return message
        return None

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


def job_button(message: dict[str, Any]) -> str | None:
    """The Cancel button's data of an image job's progress message, if it is one."""
    markup = message.get("reply_markup") or {}
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            data = str(button.get("callback_data") or "")
            if data.startswith("imgcancel:"):
                return data
    return None
