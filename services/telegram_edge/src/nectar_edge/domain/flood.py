"""Outbound flood control: when the next message may go, under Telegram's limits of about
one message per second to a chat and about 30 per second for the bot
(https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).

Pure scheduling with the clock passed in; the Telegram adapter sleeps for the delays."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

#: spacing is kept a little wider than 1/rate so that a 1-second window that includes both
#: of its ends never holds rate+1 sends
_MARGIN = 1.05


class SlotTooFar(Exception):
    """The next free slot is further away than the caller may wait."""

    def __init__(self, delay_s: float) -> None:
        super().__init__(f"next send slot in {delay_s:.2f}s")
        self.delay_s = delay_s


@dataclass
class FloodSchedule:
    """Reserves send times: per chat spaced by 1/per_chat rate; globally no two sends closer
    than 1/global rate (so no 1-second window holds more than the global rate, and a chat
    waiting for its own slot does not hold up the others); everything paused after a 429."""

    per_chat_per_s: float = 1.0
    global_per_s: float = 30.0
    _chat_next: dict[int, float] = field(default_factory=dict)
    _slots: list[float] = field(default_factory=list)
    _paused_until: float = 0.0

    def reserve(self, chat_id: int, now: float, max_wait_s: float,
                message: bool = True) -> float:
        """Reserve the earliest slot for a message to `chat_id`; return the delay from
        `now`. Raises `SlotTooFar` (reserving nothing) when it is over `max_wait_s`.

        `message=False` (chat actions such as `typing`): the global limit and any 429 pause
        apply, but the per-chat one-message-per-second spacing neither delays it nor is
        taken by it, so the reply that follows a typing indicator is not held back."""
        gap = _MARGIN / self.global_per_s
        self._slots = [t for t in self._slots if t > now - gap]
        chat_next = self._chat_next.get(chat_id, 0.0) if message else 0.0
        at = max(now, chat_next, self._paused_until)
        for slot in self._slots:  # sorted; `at` only moves forward
            if slot - gap < at < slot + gap or at == slot:
                at = slot + gap
        delay = at - now
        if delay > max_wait_s:
            raise SlotTooFar(delay)
        bisect.insort(self._slots, at)
        if message:
            self._chat_next[chat_id] = at + _MARGIN / self.per_chat_per_s
        if len(self._chat_next) > 10_000:
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        return delay

    def back_off(self, chat_id: int | None, now: float, retry_after_s: float) -> None:
        """Telegram answered 429: nothing more to that chat (or to anyone, for a global
        limit) before `retry_after_s` has passed."""
        until = now + retry_after_s
        if chat_id is None:
            self._paused_until = max(self._paused_until, until)
        else:
            self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), until)
