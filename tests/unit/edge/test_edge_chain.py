"""The middleware chain: each step alone against fakes, then the order through aiogram."""

from __future__ import annotations

import time
from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import Update
from edge_fakes import World, edge_policy
from nectar_contracts import ImageRequested, PaymentReceived, TurnReceived
from nectar_edge import chain
from nectar_edge.bot.dispatcher import build_dispatcher
from nectar_edge.chain import Sender
from nectar_edge.domain.limits import sliding_window
from nectar_edge.domain.payments import sign_payload

TOKEN = "777000:unit-test-token-not-real-abcdef"


# --- auth --------------------------------------------------------------------------------

@pytest.mark.parametrize(("user_id", "is_bot"), [(0, False), (-5, False), (42, True)])
async def test_auth_drops_senders_that_are_not_users(user_id, is_bot) -> None:
    world = World()
    assert await chain.authenticate(Sender(user_id, is_bot, "en"), world.deps) is None


async def test_auth_resolves_the_user_from_the_directory_with_the_language_override() -> None:
    world = World()
    world.users.characters[11] = "kai"
    world.users.sessions[(11, "kai")] = "3"
    world.users.plans[11] = ("vip", 1)
    world.users.languages[11] = "ja"
    ctx = await chain.authenticate(Sender(11, False, "de-AT", chat_id=11), world.deps)
    assert ctx is not None
    assert (ctx.character, ctx.session, ctx.plan, ctx.language) == ("kai", "3", "vip", "ja")
    assert ctx.known_plan is True


async def test_auth_treats_an_unknown_user_as_free_in_telegrams_language() -> None:
    world = World()
    ctx = await chain.authenticate(Sender(12, False, "pt-BR"), world.deps)
    assert ctx is not None
    assert (ctx.plan, ctx.language, ctx.known_plan, ctx.chat_id) == ("free", "pt", False, 12)


# --- onboarding --------------------------------------------------------------------------

async def test_onboarding_gives_a_new_user_the_default_character_once() -> None:
    world = World(policy=edge_policy(default_character="mira"))
    ctx = await chain.authenticate(Sender(13, False, "en"), world.deps)
    assert ctx is not None
    first = await chain.onboard(ctx, world.deps)
    again = await chain.onboard(ctx, world.deps)
    assert (first.new, again.new) == (True, False)
    assert world.users.characters[13] == "mira"
    assert world.messenger.sent == [], "onboarding never blocks or chats"


# --- rate limit --------------------------------------------------------------------------

def test_the_sliding_window_counts_only_recent_hits_and_says_how_long_to_wait() -> None:
    assert sliding_window([1.0, 2.0], now=3.0, window_s=10, limit=3).allowed
    refused = sliding_window([1.0, 2.0, 3.0], now=4.0, window_s=10, limit=3)
    assert not refused.allowed and refused.retry_after_s == pytest.approx(7.0)
    assert sliding_window([1.0, 2.0, 3.0], now=11.5, window_s=10, limit=3).allowed


async def test_rate_limit_by_plan_refuses_over_the_limit_and_tells_the_user_once() -> None:
    world = World(policy=edge_policy(rate_limits={"free": 2, "vip": 4}, rate_window_s=60))
    free = await chain.authenticate(Sender(14, False, "ru"), world.deps)
    world.users.plans[15] = ("vip", 1)
    vip = await chain.authenticate(Sender(15, False, "en"), world.deps)
    assert free is not None and vip is not None

    free_results = [(await chain.limit_rate(free, "costly", world.deps)).allowed
                    for _ in range(4)]
    vip_results = [(await chain.limit_rate(vip, "command", world.deps)).allowed
                   for _ in range(4)]

    assert free_results == [True, True, False, False]
    assert vip_results == [True, True, True, True]
    [notice] = world.messenger.texts(14)
    assert notice.startswith("Ты пишешь быстрее") and "60" in notice
    world.rates.clock.now += 61
    assert (await chain.limit_rate(free, "costly", world.deps)).allowed


async def test_payments_are_never_rate_limited() -> None:
    world = World(policy=edge_policy(rate_limits={"free": 0}))
    ctx = await chain.authenticate(Sender(16, False, "en"), world.deps)
    assert ctx is not None
    assert (await chain.limit_rate(ctx, "free_of_limits", world.deps)).allowed
    assert not (await chain.limit_rate(ctx, "command", world.deps)).allowed


# --- plan inject -------------------------------------------------------------------------

async def test_plan_inject_maps_unknown_plans_to_free() -> None:
    world = World()
    world.users.plans[17] = ("platinum", 1)
    ctx = await chain.authenticate(Sender(17, False, "en"), world.deps)
    assert ctx is not None and chain.inject_plan(ctx) == "free"


# --- cost guard --------------------------------------------------------------------------

async def test_cost_guard_spends_only_on_costly_updates_and_refuses_over_budget() -> None:
    world = World(policy=edge_policy(daily_turn_limits={"free": 2}, global_daily_turns=100))
    ctx = await chain.authenticate(Sender(18, False, "ja"), world.deps)
    assert ctx is not None
    assert await chain.guard_cost(ctx, "command", world.deps)
    assert world.costs.total == 0
    results = [await chain.guard_cost(ctx, "costly", world.deps) for _ in range(3)]
    assert results == [True, True, False]
    assert world.messenger.texts(18) == [
        "今ちょっと立て込んでいるの — 少し時間をおいてからまた話しかけてね。"]


async def test_cost_guard_has_a_global_ceiling_and_fails_closed() -> None:
    world = World(policy=edge_policy(daily_turn_limits={"free": 100}, global_daily_turns=1))
    a = await chain.authenticate(Sender(19, False, "en"), world.deps)
    b = await chain.authenticate(Sender(20, False, "en"), world.deps)
    assert a is not None and b is not None
    assert await chain.guard_cost(a, "costly", world.deps)
    assert not await chain.guard_cost(b, "costly", world.deps)
    world.costs.broken = True
    world.policy = edge_policy(global_daily_turns=1000)
    assert not await chain.guard_cost(a, "costly", world.deps)
    assert world.messenger.texts(20) == [
        "I'm a little overwhelmed right now — please try again a bit later."]


@pytest.mark.parametrize(("text", "kind"), [
    ("hello", "costly"), ("/image a cat", "costly"), ("/image@nectar_bot cat", "costly"),
    ("/help", "command"), ("/start", "command"), (None, "command"),
])
def test_updates_are_classified_for_the_limits(text, kind) -> None:
    assert chain.classify(text) == kind


# --- the chain in aiogram, in order ------------------------------------------------------

def _update(user: int, text: str | None, update_id: int, **message: Any) -> Update:
    msg: dict[str, Any] = {
        "message_id": update_id, "date": int(time.time()),
        "chat": {"id": user, "type": "private", "first_name": "U"},
        "from": {"id": user, "is_bot": False, "first_name": "U", "language_code": "en"},
        **message,
    }
    if text is not None:
        msg["text"] = text
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split()[0])}]
    return Update.model_validate({"update_id": update_id, "message": msg})


async def _feed(world: World, *updates: Update) -> None:
    bot = Bot(TOKEN)
    dp = build_dispatcher(world.deps)
    try:
        for update in updates:
            await dp.feed_update(bot, update)
    finally:
        await bot.session.close()


async def test_a_rate_limited_update_spends_no_cost_budget_and_starts_nothing() -> None:
    world = World(policy=edge_policy(rate_limits={"free": 1}))
    await _feed(world, _update(21, "one", 1), _update(21, "two", 2))
    [turn] = world.publisher.events
    assert isinstance(turn, TurnReceived) and turn.text == "one"
    assert world.costs.used == {21: 1}, "the rate limit runs before the cost guard"
    assert world.users.characters[21] == "luna", "onboarded before the limits"


async def test_a_cost_refusal_stops_chat_and_images_but_not_commands() -> None:
    world = World(policy=edge_policy(daily_turn_limits={"free": 0}))
    await _feed(world, _update(22, "hi", 1), _update(22, "/image a fox", 2),
                _update(22, "/voice on", 3))
    assert not [e for e in world.publisher.events
                if isinstance(e, (TurnReceived, ImageRequested))]
    texts = world.messenger.texts(22)
    refusal = "I'm a little overwhelmed right now — please try again a bit later."
    assert texts[:2] == [refusal, refusal]
    assert texts[2] == "Voice replies are on."


async def test_a_payment_passes_every_limit() -> None:
    world = World(policy=edge_policy(rate_limits={"free": 0}, daily_turn_limits={"free": 0}))
    payload = sign_payload(world.policy.payment_key, 23, "vip", 1000)
    await _feed(world, _update(23, None, 1, successful_payment={
        "currency": "XTR", "total_amount": 1000, "invoice_payload": payload,
        "telegram_payment_charge_id": "ch-23", "provider_payment_charge_id": ""}))
    [payment] = world.publisher.events
    assert isinstance(payment, PaymentReceived) and payment.plan == "vip"
