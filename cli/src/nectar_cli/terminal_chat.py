"""`nectar chat`: the product in a terminal, through the Bot API emulator.

Bot messages are printed as they come; what Telegram shows as something to press is
numbered: inline buttons (`[2] ✓ Kai`) and invoices (`[1] Pay 500 ⭐`). Typing a number
presses it (a button's callback query, or the emulated Telegram Stars checkout); anything
else is a message to the bot. Photos, voice notes and documents the bot sends are saved
as files and their paths printed. An image job's progress message (the one with a Cancel
button) is followed until the picture or its outcome arrives: its edits are printed, and
Ctrl-C presses Cancel.
"""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from nectar_cli.telegram_user import NoReply, TelegramUser, job_button


@dataclass(frozen=True)
class Choice:
    """Something the user can press: a button (`data`) or an invoice to pay."""

    label: str
    message_id: int
    data: str | None = None
    invoice: dict[str, Any] | None = None


def _buttons(message: dict[str, Any]) -> list[list[dict[str, Any]]]:
    markup = message.get("reply_markup") or {}
    return list(markup.get("inline_keyboard") or [])


class TerminalChat:
    """One user's chat with the bot, rendered as lines of text."""

    def __init__(self, user: TelegramUser, echo: Callable[[str], None], save_dir: Path,
                 timeout_s: float = 30.0, job_timeout_s: float = 300.0) -> None:
        self.user = user
        self.echo = echo
        self.save_dir = save_dir
        self.timeout_s = timeout_s
        self.job_timeout_s = job_timeout_s
        self.choices: list[Choice] = []

    # --- what the bot sent ------------------------------------------------------------

    def show(self, messages: list[dict[str, Any]]) -> None:
        """Print a batch of bot messages; its buttons and invoices become the choices."""
        self.choices = []
        for message in messages:
            self._show_one(message)

    def _show_one(self, message: dict[str, Any]) -> None:
        method = message.get("method") or "sendMessage"
        body = message.get("text") or message.get("caption") or ""
        invoice = message.get("invoice")
        if invoice is not None:
            self.echo(f"bot> [invoice] {invoice.get('title', '')}: "
                      f"{invoice.get('description', '')} — {invoice.get('total_amount')} "
                      f"{_currency(invoice)}")
            self._offer([Choice(f"Pay {invoice.get('total_amount')} {_currency(invoice)} "
                                "(Telegram Stars, emulated)", message["message_id"],
                                invoice={**invoice,
                                         "payload": message.get("invoice_payload")})])
            return
        if message.get("file_id"):
            kind = "photo" if message.get("has_photo") else \
                "voice note" if message.get("has_voice") else "file"
            where = self._save(message)
            self.echo(f"bot> [{kind}] saved to {where}" + (f" — {body}" if body else ""))
        elif method != "sendMessage":
            self.echo(f"bot> [{method}] {body}")
        else:
            self.echo(f"bot> {body}")
        self._offer([Choice(button.get("text", "?"), message["message_id"],
                            data=button.get("callback_data"))
                     for row in _buttons(message) for button in row
                     if button.get("callback_data") is not None])

    def _offer(self, choices: list[Choice]) -> None:
        if not choices:
            return
        start = len(self.choices)
        self.choices.extend(choices)
        labels = [f"[{start + i + 1}] {c.label}" for i, c in enumerate(choices)]
        line = "    "
        for label in labels:
            if len(line) + len(label) > 78 and line.strip():
                self.echo(line.rstrip())
                line = "    "
            line += label + "   "
        self.echo(line.rstrip())

    def _save(self, message: dict[str, Any]) -> str:
        """Save the message's file (uploaded bytes from the emulator, or the URL it was sent
        by); the path, or the URL when it cannot be fetched."""
        file_id = str(message["file_id"])
        self.save_dir.mkdir(parents=True, exist_ok=True)
        kind = "photo" if message.get("has_photo") else \
            "voice" if message.get("has_voice") else "file"
        stem = f"{message['message_id']}-{kind}"
        try:
            data, content_type = self.user.file(file_id)
        except httpx.HTTPError:
            url = message.get("file_url")
            if not url:
                return f"(file {file_id} not available)"
            try:
                resp = httpx.get(url, timeout=30, follow_redirects=True)
                resp.raise_for_status()
            except httpx.HTTPError as exc:
                return f"{url} (not fetched: {type(exc).__name__})"
            data, content_type = resp.content, resp.headers.get("content-type", "")
        extension = mimetypes.guess_extension((content_type or "").split(";")[0]) or ".bin"
        if message.get("has_voice") and extension in (".bin", ".oga"):
            extension = ".ogg"
        path = self.save_dir / f"{stem}{extension}"
        path.write_bytes(data)
        return str(path)

    # --- what the user does -------------------------------------------------------------

    def handle(self, line: str) -> None:
        """A line typed by the user: a number presses that choice, anything else is sent."""
        if line.isdigit() and self.choices:
            index = int(line) - 1
            if not 0 <= index < len(self.choices):
                self.echo(f"(no choice {line}: pick 1-{len(self.choices)})")
                return
            choice = self.choices[index]
            if choice.invoice is not None:
                self.user.pay(choice.invoice)
            elif choice.data is not None:
                self.user.press(choice.data, choice.message_id)
        else:
            self.user.send(line)
        self.wait_and_show()

    def wait_and_show(self) -> None:
        try:
            messages = self.user.replies(wait_s=self.timeout_s)
        except NoReply as exc:
            self.echo(f"(no reply: {exc}; see `make logs`)")
            return
        self.show(messages)
        if job_button(messages[-1]):  # a picture on its way: follow it to its outcome
            self.follow_job(messages[-1])

    def follow_job(self, progress: dict[str, Any]) -> None:
        """Print an image job's progress message as it is edited until the next bot message
        (the photo, or why there is none) arrives; Ctrl-C presses its Cancel button once
        (a second Ctrl-C leaves)."""
        button = job_button(progress)
        shown = progress.get("text")
        deadline = time.monotonic() + self.job_timeout_s
        while time.monotonic() < deadline:
            try:
                try:
                    self.show(self.user.replies(wait_s=1.0, settle_s=0.5))
                    return
                except NoReply:
                    pass
                current = self.user.message(progress["message_id"])
                if current is None or current.get("deleted"):
                    continue
                if current.get("text") != shown:
                    shown = current.get("text")
                    self.echo(f"bot> (edited) {shown}")
            except KeyboardInterrupt:
                if button is None:
                    raise
                self.echo("(cancelling the picture)")
                self.user.press(button, progress["message_id"])
                button = None
        self.echo("(no picture yet; see `make logs NAME=media`)")


def _currency(invoice: dict[str, Any]) -> str:
    currency = str(invoice.get("currency") or "")
    return "⭐" if currency == "XTR" else currency
