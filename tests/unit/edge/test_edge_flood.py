"""Outbound flood control: per-chat and global spacing, 429 back-off, bounded waits."""

from __future__ import annotations

import pytest
from nectar_edge.domain.flood import FloodSchedule, SlotTooFar


def _sends_in_any_second(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t <= start + 1.0) for start in times)


def test_one_chat_gets_about_one_message_per_second() -> None:
    flood = FloodSchedule(per_chat_per_s=1, global_per_s=30)
    delays = [flood.reserve(7, now=100.0, max_wait_s=60) for _ in range(3)]
    assert delays[0] == 0 and delays[1] == pytest.approx(1.05)
    assert delays[2] == pytest.approx(2.1)


def test_many_chats_never_exceed_the_global_rate_in_any_second() -> None:
    flood = FloodSchedule(per_chat_per_s=1, global_per_s=30)
    times = [100.0 + flood.reserve(chat, now=100.0, max_wait_s=60) for chat in range(120)]
    assert _sends_in_any_second(times) <= 30
    assert times[-1] - times[0] < 4.5, "and keeps close to the allowed rate"


def test_a_slot_too_far_reserves_nothing() -> None:
    flood = FloodSchedule(per_chat_per_s=1, global_per_s=30)
    flood.reserve(7, now=0.0, max_wait_s=5)
    with pytest.raises(SlotTooFar) as info:
        flood.reserve(7, now=0.0, max_wait_s=0.5)
    assert info.value.delay_s == pytest.approx(1.05)
    assert flood.reserve(8, now=0.0, max_wait_s=0.5) == pytest.approx(1.05 / 30)


def test_a_429_pauses_the_chat_and_globally_for_retry_after() -> None:
    flood = FloodSchedule()
    flood.back_off(7, now=10.0, retry_after_s=3)
    assert flood.reserve(7, now=10.0, max_wait_s=60) == pytest.approx(3)
    assert flood.reserve(8, now=10.0, max_wait_s=60) < 0.1
    flood.back_off(None, now=20.0, retry_after_s=2)
    assert flood.reserve(9, now=20.0, max_wait_s=60) == pytest.approx(2)


def test_a_chat_action_does_not_hold_back_the_reply_that_follows() -> None:
    schedule = FloodSchedule(per_chat_per_s=1.0, global_per_s=30.0)
    assert schedule.reserve(7, now=100.0, max_wait_s=10, message=False) == 0.0
    # the reply goes right after the typing indicator (one global gap), not a second later
    assert schedule.reserve(7, now=100.0, max_wait_s=10) < 0.1
    # a second message to the same chat still waits for its per-chat slot
    assert schedule.reserve(7, now=100.0, max_wait_s=10) >= 1.0


def test_a_chat_action_still_respects_a_429_pause() -> None:
    schedule = FloodSchedule(per_chat_per_s=1.0, global_per_s=30.0)
    schedule.back_off(None, now=100.0, retry_after_s=3)
    assert schedule.reserve(8, now=100.0, max_wait_s=10, message=False) >= 3.0
