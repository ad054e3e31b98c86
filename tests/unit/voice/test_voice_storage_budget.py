"""Pure rules of the voice service's storage layout and budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from nectar_voice.domain.budget import Allowance, Refusal, Reservation, utc_day
from nectar_voice.domain.storage import cache_key_of, cache_object, user_object

KEY = "0123456789abcdef" * 4


def test_a_users_copy_is_inside_their_erasable_prefix_and_names_its_cache_key() -> None:
    assert user_object(1001, KEY) == f"users/1001/voice/{KEY}.ogg"
    assert cache_key_of(user_object(1001, KEY)) == KEY
    assert cache_object(KEY) == f"voice/cache/01/{KEY}.ogg"
    assert cache_key_of(cache_object(KEY)) == KEY
    assert cache_key_of("users/1001/voice/notes.txt") is None
    assert cache_key_of("users/1001/voice/abc.ogg") is None


@pytest.mark.parametrize("bad", ["", "../etc/passwd", KEY.upper(), KEY[:-1], KEY + "0"])
def test_only_cache_keys_become_object_keys(bad: str) -> None:
    with pytest.raises(ValueError):
        cache_object(bad)
    with pytest.raises(ValueError):
        user_object(1, bad)


def test_the_budget_day_is_the_utc_date() -> None:
    late = datetime(2026, 5, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert utc_day(late) == "2026-06-01"
    assert utc_day(datetime(2026, 5, 31, 0, 0, tzinfo=UTC)) == "2026-05-31"
    with pytest.raises(ValueError):
        utc_day(datetime(2026, 5, 31))


def test_an_unknown_plan_gets_nothing_and_limits_are_not_negative() -> None:
    allowance = Allowance(per_plan={"basic": 5000}, global_daily=10)
    assert (allowance.for_plan("basic"), allowance.for_plan("platinum")) == (5000, 0)
    with pytest.raises(ValueError):
        Allowance(per_plan={"basic": -1}, global_daily=10)


def test_a_refusal_says_why_and_what_was_spent() -> None:
    refused = Reservation(engine="inworld", user_id=1, day="2026-05-31", chars=300,
                          granted=False, refusal=Refusal.GLOBAL, user_spent=10,
                          global_spent=1999_900)
    assert "global_budget" in refused.detail and "300" in refused.detail
