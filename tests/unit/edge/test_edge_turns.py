"""Turns and commands from Telegram messages, against fakes of the edge's ports."""

from __future__ import annotations

import pytest
from edge_fakes import World, edge_policy, incoming
from nectar_contracts import ImageRequested, TurnReceived
from nectar_edge import handlers
from nectar_edge.domain.language import normalize_language


async def test_a_text_message_becomes_a_turn_with_defaults() -> None:
    world = World()
    msg = incoming(5001, "hi there", update_id=42, message_id=7, language_code=None)

    events = await handlers.receive_text(msg, world.deps)

    assert len(events) == 1
    turn = events[0]
    assert isinstance(turn, TurnReceived)
    assert (turn.user_id, turn.chat_id, turn.text) == (5001, 5001, "hi there")
    assert (turn.character, turn.session, turn.plan) == ("luna", "1", "free")
    assert (turn.language, turn.reply_mode) == ("en", "text")
    assert (turn.update_id, turn.message_id) == (42, 7)
    assert turn.producer == "telegram_edge"
    assert turn.correlation_id == turn.event_id and turn.causation_id is None


async def test_a_turn_uses_what_redis_knows_about_the_user() -> None:
    world = World(policy=edge_policy(default_character="luna", default_language="de"))
    world.users.characters[5002] = "kai"
    world.users.sessions[(5002, "kai")] = "4"
    world.users.plans[5002] = ("premium", 1)
    world.users.voice[5002] = True

    [turn] = await handlers.receive_text(incoming(5002, language_code="pt-BR"), world.deps)

    assert isinstance(turn, TurnReceived)
    assert (turn.character, turn.session, turn.plan) == ("kai", "4", "premium")
    assert (turn.language, turn.reply_mode) == ("pt", "voice")


async def test_an_unknown_cached_plan_counts_as_free() -> None:
    world = World()
    world.users.plans[5003] = ("platinum", 1)
    [turn] = await handlers.receive_text(incoming(5003), world.deps)
    assert isinstance(turn, TurnReceived) and turn.plan == "free"


async def test_the_same_update_gives_the_same_turn_id_and_another_update_a_new_one() -> None:
    world = World()
    [a] = await handlers.receive_text(incoming(5004, update_id=9), world.deps)
    [b] = await handlers.receive_text(incoming(5004, update_id=9), world.deps)
    [c] = await handlers.receive_text(incoming(5004, update_id=10), world.deps)
    assert a.event_id == b.event_id != c.event_id
    assert a.event_id.version == 7


async def test_writing_again_marks_an_inactive_user_active() -> None:
    world = World()
    world.users.inactive[5005] = "Forbidden: bot was blocked by the user"
    await handlers.receive_text(incoming(5005), world.deps)
    assert 5005 not in world.users.inactive


@pytest.mark.parametrize(("code", "expected"), [
    ("en", "en"), ("ru", "ru"), ("pt-br", "pt"), ("zh_Hans", "zh"), ("EN-us", "en"),
    (None, "xx"), ("", "xx"), ("c", "xx"), ("123", "xx"), ("fil", "xx"),
])
def test_language_codes_map_to_two_letters_or_the_default(code, expected) -> None:
    assert normalize_language(code, "xx") == expected


async def test_typing_failure_is_swallowed() -> None:
    world = World()
    world.messenger.action_failures.append(RuntimeError("network down"))
    await handlers.show_typing(5006, world.deps)
    await handlers.show_typing(5006, world.deps)
    assert world.messenger.actions == [(5006, "typing")]


async def test_start_greets_with_the_characters_name_in_the_users_language() -> None:
    world = World()
    world.users.characters[5007] = "luna"
    assert await handlers.greet_user(incoming(5007, "/start"), world.deps) == []
    world.users.characters[5008] = "kai"
    await handlers.greet_user(incoming(5008, "/start", language_code="ru"), world.deps)
    [en] = world.messenger.texts(5007)
    [ru] = world.messenger.texts(5008)
    assert "Luna" in en and en.startswith("Hi")
    assert "Kai" in ru and ru.startswith("Привет")


async def test_image_command_requests_an_image_in_the_users_conversation() -> None:
    world = World()
    world.users.characters[5009] = "kai"
    world.users.plans[5009] = ("premium", 1)
    [event] = await handlers.request_image(incoming(5009, "/image a fox"), " a fox ",
                                           world.deps)
    assert isinstance(event, ImageRequested)
    assert (event.prompt, event.character, event.session, event.language, event.plan,
            event.kind) == ("a fox", "kai", "1", "en", "premium", "chat")
    # the progress message, with a Cancel button naming the job, is what the user sees first
    [progress] = world.messenger.sent
    assert progress.payload["text"].startswith("🎨")
    [[cancel]] = progress.payload["keyboard"]
    assert cancel.data == f"imgcancel:{event.job_id}"
    assert event.status_message_id == progress.message_id
    assert event.event_id == event.job_id == event.correlation_id


async def test_a_retried_image_update_asks_for_the_same_job() -> None:
    world = World()
    first = await handlers.request_image(incoming(5011, update_id=7), "a fox", world.deps)
    again = await handlers.request_image(incoming(5011, update_id=7), "a fox", world.deps)
    other = await handlers.request_image(incoming(5011, update_id=8), "a fox", world.deps)
    assert first[0].job_id == again[0].job_id != other[0].job_id


@pytest.mark.parametrize("prompt", [None, "", "   "])
async def test_image_without_a_prompt_gets_a_usage_hint_and_no_event(prompt) -> None:
    world = World()
    assert await handlers.request_image(incoming(5010, "/image"), prompt, world.deps) == []
    [hint] = world.messenger.texts(5010)
    assert "/image" in hint


async def test_voice_command_sets_the_flag_and_confirms() -> None:
    world = World()
    await handlers.set_voice_mode(incoming(5011, "/voice on"), "on", world.deps)
    assert world.users.voice[5011] is True
    [turn] = await handlers.receive_text(incoming(5011, "talk to me", update_id=2), world.deps)
    assert isinstance(turn, TurnReceived) and turn.reply_mode == "voice"
    await handlers.set_voice_mode(incoming(5011, "/voice OFF"), "OFF", world.deps)
    assert world.users.voice[5011] is False
    await handlers.set_voice_mode(incoming(5011, "/voice loud"), "loud", world.deps)
    assert world.users.voice[5011] is False
    assert world.messenger.texts(5011) == [
        "Voice replies are on.", "Voice replies are off.", "Use /voice on or /voice off."]


async def test_help_lists_every_command() -> None:
    world = World()
    await handlers.show_help(incoming(5012, "/help"), world.deps)
    [text] = world.messenger.texts(5012)
    for command in ("/start", "/character", "/image", "/voice", "/help"):
        assert command in text


async def test_a_blocked_user_answering_a_command_is_marked_inactive() -> None:
    from nectar_edge.domain.errors import RecipientUnavailable

    world = World()
    world.messenger.failures.append(RecipientUnavailable("Forbidden: bot was blocked"))
    await handlers.show_help(incoming(5013, "/help"), world.deps)
    assert "blocked" in world.users.inactive[5013]



async def test_character_command_switches_the_conversation() -> None:
    world = World()
    await handlers.choose_character(incoming(5013, "/character Kai"), "Kai", world.deps)
    assert world.users.characters[5013] == "kai"
    [turn] = await handlers.receive_text(incoming(5013, "hey", update_id=3), world.deps)
    assert isinstance(turn, TurnReceived) and turn.character == "kai"


@pytest.mark.parametrize("argument", [None, "", "nobody"])
async def test_character_without_a_known_name_lists_them_and_changes_nothing(argument) -> None:
    world = World()
    await handlers.choose_character(incoming(5014, "/character"), argument, world.deps)
    assert 5014 not in world.users.characters
    [text] = world.messenger.texts(5014)
    assert "luna, kai, mira" in text
