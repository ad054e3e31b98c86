"""Reading every update Telegram can send: what aiogram cannot validate is dropped part by
part (and logged); what has no core this code knows is dead-lettered with its reason."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram import Bot
from edge_fakes import World
from nectar_contracts import TurnReceived, UpdateReceived
from nectar_edge import handlers
from nectar_edge.bot.dispatcher import build_dispatcher
from nectar_edge.bot.feed import AiogramFeed, read_update
from nectar_edge.domain.errors import UnreadableUpdate
from nectar_edge.entrypoints.intake import UpdateIntake
from nectar_runtime import Poison
from opentelemetry.sdk.trace import TracerProvider

TOKEN = "777000:unit-test-token-not-real-abcdef"
NOW = int(time.time())


def _message(user: int = 51, **fields: Any) -> dict[str, Any]:
    return {"message_id": 1, "date": NOW, "text": "look at this",
            "chat": {"id": user, "type": "private", "first_name": "U"},
            "from": {"id": user, "is_bot": False, "first_name": "U"}, **fields}


@dataclass
class Session:
    bot: Bot
    bot_id: int = 777000


@pytest.fixture
async def bot():
    bot = Bot(TOKEN)
    yield bot
    await bot.session.close()


def test_a_hidden_user_origin_without_its_name_is_read_without_the_origin(bot) -> None:
    """aiogram #1840: Telegram leaves out `sender_user_name` of legacy forwards."""
    raw = {"update_id": 1, "message": _message(forward_origin={
        "type": "hidden_user", "date": 1422450181})}
    update, dropped = read_update(raw, bot)
    assert update.message is not None and update.message.text == "look at this"
    assert dropped == ("message.forward_origin",)


@pytest.mark.parametrize(("raw", "dropped"), [
    ({"update_id": 2, "message": _message(forward_origin={"type": "future_origin_kind",
                                                          "date": 1})},
     ("message.forward_origin",)),
    ({"update_id": 3, "message": _message(reply_to_message=_message(
        forward_origin={"type": "future_origin_kind", "date": 1}))},
     ("message.reply_to_message.forward_origin",)),
    ({"update_id": 4, "message_reaction": {
        "chat": {"id": 51, "type": "private"}, "message_id": 1, "date": NOW,
        "user": {"id": 51, "is_bot": False, "first_name": "U"}, "old_reaction": [],
        "new_reaction": [{"type": "emoji", "emoji": "👍"},
                         {"type": "reaction_of_2031", "sparkles": 3}]}},
     ("message_reaction.new_reaction.1",)),
    ({"update_id": 5, "message": _message(a_field_newer_than_aiogram={"x": 1})}, ()),
])
def test_parts_newer_than_aiogram_are_dropped_and_the_rest_read(bot, raw, dropped) -> None:
    update, got = read_update(raw, bot)
    assert got == dropped
    assert update.update_id == raw["update_id"]


@pytest.mark.parametrize(("raw", "reason"), [
    ({"update_id": 6, "guest_message_2031": {"text": "hi"}}, "no update kind this code knows"),
    ({"update_id": 7, "message": {"message_id": 1, "date": NOW, "text": "no chat"}},
     "message.chat: Field required"),
    ({"update_id": 8, "message": "not an object"}, "message"),
])
def test_an_update_without_a_readable_core_is_unreadable_with_the_reason(bot, raw,
                                                                         reason) -> None:
    with pytest.raises(UnreadableUpdate) as raised:
        read_update(raw, bot)
    assert reason in raised.value.reason


def _consumer(world: World, bot: Bot) -> UpdateIntake:
    tracer = TracerProvider().get_tracer("test")
    world.feed = AiogramFeed(build_dispatcher(), Session(bot), tracer)
    return UpdateIntake(777000, world.publisher, tracer)


async def test_a_forward_from_a_hidden_user_is_answered_like_any_text(bot) -> None:
    world = World()
    intake = _consumer(world, bot)
    event = intake.received({"update_id": 9, "message": _message(forward_origin={
        "type": "hidden_user", "date": 1422450181})})
    assert await handlers.handle_update(event, world.deps) == []
    [turn] = world.publisher.events
    assert isinstance(turn, TurnReceived) and turn.text == "look at this"


async def test_an_unreadable_update_is_poison_with_its_reason_and_remembered(bot) -> None:
    world = World()
    intake = _consumer(world, bot)
    event: UpdateReceived = intake.received({"update_id": 10, "guest_message_2031": {}})
    with pytest.raises(Poison, match="no update kind this code knows.*guest_message_2031"):
        await handlers.handle_update(event, world.deps)
    assert (777000, 10) in world.updates.done, "Telegram's copies are not parked again"
    assert world.publisher.events == [] and world.messenger.sent == []
