"""Issue 10's field fixes at the edge, through the dispatcher (`dp.feed_update` with fakes):
commands and the daily limit, callback answers, chats that are not private, refunds."""

from __future__ import annotations

import time
from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import Update
from edge_fakes import World, edge_policy
from nectar_contracts import PaymentRefunded, TurnReceived
from nectar_edge.bot.dispatcher import build_dispatcher
from nectar_edge.domain.errors import RecipientUnavailable
from nectar_edge.domain.i18n import LANGUAGES, STRINGS
from nectar_edge.domain.payments import sign_payload

TOKEN = "777000:unit-test-token-not-real-abcdef"
NOW = int(time.time())


def _user(user: int, lang: str = "en") -> dict[str, Any]:
    return {"id": user, "is_bot": False, "first_name": "U", "language_code": lang}


def _private(user: int) -> dict[str, Any]:
    return {"id": user, "type": "private", "first_name": "U"}


def _group(chat_id: int = -1001234, kind: str = "supergroup") -> dict[str, Any]:
    return {"id": chat_id, "type": kind, "title": "Friends"}


def _message(update_id: int, user: int, *, chat: dict[str, Any] | None = None,
             text: str | None = None, lang: str = "en", **fields: Any) -> Update:
    msg: dict[str, Any] = {"message_id": update_id, "date": NOW, "from": _user(user, lang),
                           "chat": chat or _private(user), **fields}
    if text is not None:
        msg["text"] = text
    return Update.model_validate({"update_id": update_id, "message": msg})


def _press(update_id: int, user: int, data: str, *, chat: dict[str, Any] | None = None
           ) -> Update:
    return Update.model_validate({"update_id": update_id, "callback_query": {
        "id": f"q{update_id}", "from": _user(user), "chat_instance": "ci", "data": data,
        "message": {"message_id": 1, "date": NOW, "chat": chat or _private(user),
                    "text": "pick one"}}})


def _member(status: str) -> dict[str, Any]:
    member: dict[str, Any] = {"status": status,
                              "user": {"id": 777000, "is_bot": True, "first_name": "Nectar"}}
    if status == "administrator":  # every right Telegram lists, none granted
        member |= {right: False for right in (
            "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
            "can_manage_video_chats", "can_restrict_members", "can_promote_members",
            "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
            "can_delete_stories", "can_send_welcome_messages")}
    if status == "kicked":
        member["until_date"] = 0  # forever
    return member


def _membership(update_id: int, user: int, chat: dict[str, Any], old: str, new: str,
                lang: str = "en") -> Update:
    return Update.model_validate({"update_id": update_id, "my_chat_member": {
        "chat": chat, "from": _user(user, lang), "date": NOW,
        "old_chat_member": _member(old), "new_chat_member": _member(new)}})


async def _feed(world: World, *updates: Update) -> None:
    bot = Bot(TOKEN)
    dp = build_dispatcher(world.deps)
    try:
        for update in updates:
            await dp.feed_update(bot, update)
    finally:
        await bot.session.close()


def _turns(world: World) -> list[str]:
    return [e.text for e in world.publisher.events if isinstance(e, TurnReceived)]


# --- every model turn counts; unknown commands get a hint; other bots' commands ignored --

async def test_a_slash_does_not_skip_the_daily_limit() -> None:
    world = World(policy=edge_policy(daily_turn_limits={"free": 2}))
    said = ["first", "second", "/story tell me a long story", "/please answer", "/x",
            "/ is this a command?", "third"]
    await _feed(world, *[_message(i + 1, 31, text=t) for i, t in enumerate(said)])

    assert _turns(world) == ["first", "second"], "no model turn past the limit"
    assert world.costs.used == {31: 2}
    texts = world.messenger.texts(31)
    hints = [t for t in texts if "/help" in t]
    assert [h.split()[3].rstrip(".") for h in hints] == ["/story", "/please", "/x"]
    refusal = STRINGS["en"]["try_later"]
    assert texts.count(refusal) == 2, "'/ is this...' and 'third' are turns: both refused"


async def test_commands_for_another_bot_are_ignored_and_ours_answered() -> None:
    world = World()
    await _feed(world, _message(1, 32, text="/help@OtherBot"),
                _message(2, 32, text="/image@OtherBot a cat"),
                _message(3, 32, text="/HELP@Nectar_Test_Bot"),
                _message(4, 32, text="/start@nectar_test_bot"))
    texts = world.messenger.texts(32)
    assert len(texts) == 2
    assert texts[0] == STRINGS["en"]["help"]
    assert texts[1].startswith("Hi, I'm Luna")
    assert world.publisher.events == [] and world.costs.used == {}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_unknown_command_hint_is_in_the_users_language(language) -> None:
    world = World()
    await _feed(world, _message(1, 33, text="/dance now", lang=language))
    [hint] = world.messenger.texts(33)
    assert hint == STRINGS[language]["unknown_command"].format(command="/dance")
    assert world.publisher.events == []


# --- every callback query is answered -----------------------------------------------------

async def test_every_button_press_is_answered_known_unknown_or_refused() -> None:
    world = World(policy=edge_policy(rate_limits={"free": 1}))
    await _feed(world, _press(1, 34, "char:kai"),          # known
                _press(2, 34, "totally-unknown:data"),     # unknown (and rate limited)
                _press(3, 34, ""),                         # empty
                _press(4, 35, "lang:ja", chat=_group()))   # from a group message
    assert world.messenger.callbacks == ["q1", "q2", "q3", "q4"]
    assert world.users.characters[34] == "kai"


# --- private chats only ---------------------------------------------------------------

@pytest.mark.parametrize("service", [
    {"pinned_message": {"message_id": 5, "date": NOW, "chat": _group(), "text": "rules"}},
    {"forum_topic_created": {"name": "Off-topic", "icon_color": 7322096}},
    {"migrate_to_chat_id": -1009999},
    {"new_chat_title": "Best friends"},
    {"video_chat_started": {}},
])
async def test_group_service_messages_get_nothing(service) -> None:
    world = World()
    await _feed(world, _message(1, 36, chat=_group(), **service))
    assert world.messenger.sent == [] and world.publisher.events == []
    assert world.users.characters == {} and world.users.inactive == {}


async def test_group_text_and_commands_get_nothing_and_start_no_turn() -> None:
    world = World()
    await _feed(world, _message(1, 37, chat=_group(), text="hey bot, how are you?"),
                _message(2, 37, chat=_group(kind="group"), text="/start"),
                _message(3, 37, chat=_group(), text="/help@nectar_test_bot"))
    assert world.messenger.sent == [] and world.publisher.events == []
    assert world.costs.used == {} and world.rates.hits == {}


async def test_being_added_to_a_group_is_one_polite_note_in_the_adders_language() -> None:
    world = World()
    group = _group()
    await _feed(world, _membership(1, 38, group, "left", "member", lang="de"))
    await _feed(world, _membership(2, 38, group, "member", "left"),
                _membership(3, 38, _group(-100555, "channel"), "left", "administrator"))
    [note] = world.messenger.texts(group["id"])
    assert note == STRINGS["de"]["group_note"].format(bot="nectar_test_bot")
    assert world.messenger.sent[0].chat_id == group["id"]
    assert world.users.characters == {} and world.users.inactive == {}


async def test_a_failed_send_to_a_group_never_changes_the_users_state() -> None:
    world = World()
    world.messenger.failures.append(
        RecipientUnavailable("Forbidden: bot was kicked from the group chat"))
    await _feed(world, _membership(1, 39, _group(), "left", "member"))
    assert world.users.inactive == {} and world.users.characters == {}


async def test_blocking_the_bot_in_private_marks_the_user_inactive_until_unblocked() -> None:
    world = World()
    await _feed(world, _membership(1, 40, _private(40), "member", "kicked"))
    assert 40 in world.users.inactive and world.messenger.sent == []
    await _feed(world, _membership(2, 40, _private(40), "kicked", "member"))
    assert 40 not in world.users.inactive and world.messenger.sent == []


@pytest.mark.parametrize("service", [
    {"pinned_message": {"message_id": 5, "date": NOW, "chat": _private(41), "text": "x"}},
    {"message_auto_delete_timer_changed": {"message_auto_delete_time": 86400}},
    {"write_access_allowed": {"from_request": True}},
    {"a_service_kind_newer_than_this_code": {"x": 1}},
])
async def test_private_service_messages_get_nothing(service) -> None:
    world = World()
    await _feed(world, _message(1, 41, **service))
    assert world.messenger.sent == [] and world.publisher.events == []


async def test_content_without_text_still_gets_text_only() -> None:
    world = World()
    await _feed(world, _message(1, 42, lang="fr", voice={
        "file_id": "v", "file_unique_id": "u", "duration": 2}))
    assert world.messenger.texts(42) == [STRINGS["fr"]["text_only"]]


# --- refunds --------------------------------------------------------------------------

async def test_a_refunded_payment_reaches_billing_once_and_the_user_is_told() -> None:
    world = World()
    payload = sign_payload(world.policy.payment_key, 43, "premium", 500)
    refund = {"currency": "XTR", "total_amount": 500, "invoice_payload": payload,
              "telegram_payment_charge_id": "ch-43"}
    await _feed(world, _message(1, 43, lang="ru", refunded_payment=refund),
                _message(2, 43, lang="ru", refunded_payment=refund))
    [event] = world.publisher.events
    assert isinstance(event, PaymentRefunded)
    assert (event.provider, event.external_id, event.amount, event.currency) == (
        "telegram_stars", "ch-43", 500, "XTR")
    assert (event.user_id, event.language, event.producer) == (43, "ru", "telegram_edge")
    assert world.messenger.texts(43) == [STRINGS["ru"]["refund_done"].format(stars="500")]
