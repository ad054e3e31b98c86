"""Commands and flows: /start's buttons, /reset, /language, upsell and refusal UX."""

from __future__ import annotations

import pytest
from edge_fakes import World, edge_policy, incoming
from nectar_contracts import ConversationReset, ReplyFailed, ReplyReady, TurnReceived
from nectar_edge import handlers
from nectar_edge.domain.i18n import LANGUAGES


async def test_start_offers_the_characters_as_buttons_with_the_current_one_marked() -> None:
    world = World()
    world.users.characters[41] = "kai"
    await handlers.greet_user(incoming(41, "/start"), world.deps)
    [keyboard] = world.messenger.keyboards(41)
    buttons = [b for row in keyboard for b in row]
    assert [b.data for b in buttons] == ["char:luna", "char:kai", "char:mira"]
    assert buttons[1].text == "✓ Kai"


async def test_reset_starts_a_new_session_and_publishes_it() -> None:
    world = World()
    world.users.characters[42] = "mira"
    world.users.sessions[(42, "mira")] = "4"
    [event] = await handlers.reset_conversation(incoming(42, "/reset", update_id=8),
                                                world.deps)
    assert isinstance(event, ConversationReset)
    assert (event.character, event.session, event.new_session) == ("mira", "4", "5")
    [again] = await handlers.reset_conversation(incoming(42, "/reset", update_id=8),
                                                world.deps)
    assert again.event_id == event.event_id, "a retried update publishes the same event"
    [turn] = await handlers.receive_text(incoming(42, "hi", update_id=9), world.deps)
    assert isinstance(turn, TurnReceived) and turn.session == "6"
    assert "Mira" in world.messenger.texts(42)[0]


async def test_language_override_wins_over_telegram_and_unknown_codes_get_the_menu() -> None:
    world = World()
    await handlers.choose_language(incoming(43, "/language"), None, world.deps)
    [menu] = world.messenger.keyboards(43)
    assert [b.data for row in menu for b in row] == [f"lang:{c}" for c in LANGUAGES]
    await handlers.choose_language(incoming(43, "/language xx"), "xx", world.deps)
    assert 43 not in world.users.languages
    await handlers.choose_language(incoming(43, "lang:ja"), "ja", world.deps)
    assert world.users.languages[43] == "ja"
    assert world.messenger.texts(43)[-1] == "これからは日本語で話すね。"


async def test_paysupport_appends_the_operators_contact() -> None:
    
    world = World(policy=edge_policy(payment_support_text="support@example.com"))
    await handlers.show_payment_support(incoming(44, "/paysupport", language_code="de"),
                                        world.deps)
    [text] = world.messenger.texts(44)
    assert text.startswith("Hilfe bei Zahlungen") and text.endswith("support@example.com")


def _reply(user: int, **extra) -> ReplyReady:
    return ReplyReady.new(producer="llm", user_id=user, chat_id=user, character="luna",
                          session="1", text="I'd love to, but that's for members.",
                          language="es", reply_mode="text", model="m", attempt=0, **extra)


async def test_a_reply_without_an_upsell_signal_has_no_button() -> None:
    world = World()
    await handlers.deliver_reply(_reply(45), world.deps)
    assert world.messenger.keyboards(45) == [()]


async def test_an_upsell_from_the_llm_adds_a_button_to_the_suggested_plan() -> None:
    world = World()
    text = " ".join(f"Sentence {i} of a long in-character answer." for i in range(200))
    reply = ReplyReady.new(producer="llm", user_id=46, chat_id=46, character="luna",
                           session="1", text=text, language="es", reply_mode="text",
                           model="m", attempt=0, upsell="premium")
    await handlers.deliver_reply(reply, world.deps)
    *first, last = world.messenger.keyboards(46)
    assert first and all(k == () for k in first), "the button goes with the last part only"
    assert last[0][0].data == "buy:premium" and last[0][0].text == "⭐ Mejorar mi plan"


@pytest.mark.parametrize(("reason", "expected"), [
    ("over_budget", ("Ahora mismo estoy un poco saturada; vuelve a intentarlo un poco más "
                     "tarde, por favor.")),
    ("all_models_failed", ("Lo siento, ahora no pude responder; inténtalo de nuevo en un "
                           "momento.")),
])
async def test_a_cost_refusal_from_the_llm_is_a_friendly_try_later(reason, expected) -> None:
    world = World()
    failed = ReplyFailed.new(producer="llm", user_id=47, chat_id=47, character="luna",
                             session="1", language="es", reason=reason)
    await handlers.apologize_reply_failed(failed, world.deps)
    assert world.messenger.texts(47) == [expected]


async def test_voice_turns_show_record_voice_and_text_turns_typing() -> None:
    world = World()
    world.users.voice[48] = True
    [voice_turn] = await handlers.receive_text(incoming(48, "hi"), world.deps)
    [text_turn] = await handlers.receive_text(incoming(49, "hi"), world.deps)
    assert handlers.chat_action_for(voice_turn) == "record_voice"
    assert handlers.chat_action_for(text_turn) == "typing"


async def test_the_chat_action_repeats_until_the_reply_is_delivered() -> None:
    import asyncio

    
    world = World(policy=edge_policy(chat_action_every_s=0.02, chat_action_max_s=5))
    [turn] = await handlers.receive_text(incoming(50, "hi"), world.deps)
    task = asyncio.create_task(handlers.keep_showing(50, str(turn.correlation_id),
                                                     world.deps, "typing"))
    await asyncio.sleep(0.09)
    reply = ReplyReady(event_id=turn.event_id.__class__(int=turn.event_id.int + 1),
                       correlation_id=turn.correlation_id, producer="llm", user_id=50,
                       chat_id=50, character="luna", session="1", text="hey", language="en",
                       reply_mode="text", model="m", attempt=0)
    await handlers.deliver_reply(reply, world.deps)
    await asyncio.wait_for(task, 1)
    shown = len(world.messenger.actions)
    await asyncio.sleep(0.06)
    assert shown >= 3, "repeated while the reply was being made"
    assert len(world.messenger.actions) == shown, "and stopped once it was delivered"


async def test_the_chat_action_gives_up_at_its_deadline() -> None:
    import asyncio

    
    world = World(policy=edge_policy(chat_action_every_s=0.02, chat_action_max_s=0.05))
    await asyncio.wait_for(handlers.keep_showing(51, "no-answer", world.deps, "typing"), 1)
    assert 2 <= len(world.messenger.actions) <= 4
