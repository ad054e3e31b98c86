"""The aiogram dispatcher routes updates to the right handler (fed without a network:
`dp.feed_update` with fakes behind the handlers)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiogram import Bot
from aiogram.types import Update
from edge_fakes import World
from nectar_contracts import ImageCancelRequested, ImageRequested, TurnReceived
from nectar_edge.bot.dispatcher import build_dispatcher

TOKEN = "777000:unit-test-token-not-real-abcdef"


def _update(user: int, text: str | None, update_id: int, **message: Any) -> Update:
    msg: dict[str, Any] = {
        "message_id": update_id, "date": int(time.time()),
        "chat": {"id": user, "type": "private", "first_name": "U"},
        "from": {"id": user, "is_bot": False, "first_name": "U", "language_code": "ru"},
        **message,
    }
    if text is not None:
        msg["text"] = text
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split()[0])}]
    return Update.model_validate({"update_id": update_id, "message": msg})


async def _feed(world: World, update: Update) -> None:
    bot = Bot(TOKEN)
    try:
        await build_dispatcher(world.deps).feed_update(bot, update)
        await asyncio.sleep(0.01)  # the chat action goes out in the background
    finally:
        await bot.session.close()


async def test_text_is_a_turn_and_shows_typing_after_publishing() -> None:
    world = World()
    await _feed(world, _update(7001, "привет", 11))
    [turn] = world.publisher.events
    assert isinstance(turn, TurnReceived)
    assert (turn.text, turn.language, turn.update_id, turn.message_id) == ("привет", "ru", 11, 11)
    assert world.messenger.actions == [(7001, "typing")]


async def test_commands_go_to_their_routers_not_to_the_chat() -> None:
    world = World()
    await _feed(world, _update(7002, "/image a cat on a roof", 12))
    await _feed(world, _update(7002, "/voice on", 13))
    await _feed(world, _update(7002, "/start", 14))
    await _feed(world, _update(7002, "/help", 15))
    [image] = world.publisher.events
    assert isinstance(image, ImageRequested) and image.prompt == "a cat on a roof"
    assert world.users.voice[7002] is True
    texts = world.messenger.texts(7002)
    assert texts[0] == "🎨 Рисую картинку…"  # the image job's progress message
    assert texts[1] == "Голосовые ответы включены."
    assert "Luna" in texts[2] and "/image" in texts[3]
    assert world.messenger.actions == [(7002, "upload_photo")]


async def test_a_message_without_text_gets_an_explanation() -> None:
    world = World()
    await _feed(world, _update(7003, None, 16, sticker={
        "file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 512,
        "height": 512, "is_animated": False, "is_video": False}))
    assert world.publisher.events == []
    assert world.messenger.texts(7003) == ["Пока я умею читать только текстовые сообщения."]


async def test_updates_without_a_positive_user_id_are_ignored() -> None:
    world = World()
    channel_post = Update.model_validate({"update_id": 17, "channel_post": {
        "message_id": 1, "date": int(time.time()), "text": "news",
        "chat": {"id": -100123, "type": "channel", "title": "c"}}})
    await _feed(world, channel_post)
    await _feed(world, _update(0, "hello", 18))
    assert world.publisher.events == [] and world.messenger.sent == []


async def test_the_chat_action_runs_in_this_deps_background_and_stops_on_close() -> None:
    from edge_fakes import edge_policy

    world = World(policy=edge_policy(chat_action_every_s=0.01, chat_action_max_s=30))
    other = World()
    await _feed(world, _update(7004, "hello", 19))
    assert len(world.background) == 1, "the repeating indicator belongs to this process"
    assert len(other.background) == 0, "no task set shared between processes"
    await world.background.close()
    shown = len(world.messenger.actions)
    await asyncio.sleep(0.05)
    assert len(world.background) == 0 and len(world.messenger.actions) == shown


async def test_the_cancel_button_asks_media_to_stop_that_job() -> None:
    world = World()
    await _feed(world, _update(7010, "/image a cat", 30))
    [request] = world.publisher.events
    [[button]] = world.messenger.keyboards(7010)[0]
    query = Update.model_validate({"update_id": 31, "callback_query": {
        "id": "cb-31", "chat_instance": "ci", "data": button.data,
        "from": {"id": 7010, "is_bot": False, "first_name": "U", "language_code": "ru"},
        "message": {"message_id": world.messenger.sent[0].message_id, "date": int(time.time()),
                    "chat": {"id": 7010, "type": "private", "first_name": "U"},
                    "text": "🎨"}}})
    await _feed(world, query)
    [_, cancel] = world.publisher.events
    assert isinstance(cancel, ImageCancelRequested)
    assert (cancel.job_id, cancel.user_id, cancel.correlation_id) == (
        request.job_id, 7010, request.correlation_id)
