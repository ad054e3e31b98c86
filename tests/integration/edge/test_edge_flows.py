"""Commands, buttons, limits, languages and Telegram Stars end to end: the Telegram
emulator in-process, the edge app, real NATS and Redis. Every flow starts with what a user
does in the emulator and ends with Bot API calls and bus events."""

from __future__ import annotations

import json
from typing import Any

import pytest
from nectar_contracts import PlanChanged, ReplyFailed, ReplyReady
from test_edge_service import publish, stored, wait_for

pytestmark = pytest.mark.integration


def _markup(call: dict[str, Any]) -> list[list[dict[str, Any]]]:
    markup = call["params"].get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    return (markup or {}).get("inline_keyboard", [])


async def _texts(edge, http, user: int) -> list[str]:
    return [c["params"]["text"] for c in await edge.calls(http, "sendMessage", user)
            if c["response_status"] == 200]


async def _press(edge, http, user: int, data: str, **profile: Any) -> dict[str, Any]:
    return await edge.press(http, user, data, **profile)


async def test_start_offers_characters_and_a_button_switches(edge_service, http, js, redis,
                                                             user_id) -> None:
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "/start")
        [greeting] = await edge.calls(http, "sendMessage", user_id)
        buttons = [b["callback_data"] for row in _markup(greeting) for b in row]
        await _press(edge, http, user_id, "char:kai")
        acks = await edge.calls(http, "answerCallbackQuery")
        await edge.user_says(http, user_id, "hello Kai")
        [turn] = await stored(js, f"nectar.chat.{user_id}.turn_received")
        texts = await _texts(edge, http, user_id)
    assert buttons == ["char:luna", "char:kai", "char:mira"]
    assert len(acks) == 1
    assert texts[-1] == "You're now talking to Kai."
    assert json.loads(turn.data)["character"] == "kai"
    assert await redis.get(f"edge:character:{user_id}") == "kai"


async def test_reset_publishes_a_new_session_used_by_the_next_turn(edge_service, http, js,
                                                                   user_id) -> None:
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "/reset")
        [reset] = await stored(js, f"nectar.chat.{user_id}.conversation_reset")
        await edge.user_says(http, user_id, "after the reset")
        [turn] = await stored(js, f"nectar.chat.{user_id}.turn_received")
        texts = await _texts(edge, http, user_id)
    event = json.loads(reset.data)
    assert (event["session"], event["new_session"], event["character"]) == ("1", "2", "luna")
    assert json.loads(turn.data)["session"] == "2"
    assert texts == ["Fresh start! Luna is ready for a new conversation."]


async def test_language_override_and_replies_in_japanese_and_russian(edge_service, http, js,
                                                                     user_id) -> None:
    russian = user_id + 1
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "/language", language_code="en")
        [menu] = await edge.calls(http, "sendMessage", user_id)
        await _press(edge, http, user_id, "lang:ja", language_code="en")
        await edge.user_says(http, user_id, "/voice maybe", language_code="en")
        await edge.user_says(http, user_id, "こんにちは", language_code="en")
        [turn] = await stored(js, f"nectar.chat.{user_id}.turn_received")
        await publish(js, ReplyFailed.new(producer="llm", user_id=user_id, chat_id=user_id,
                                          character="luna", session="1", language="ja",
                                          reason="over_budget"))
        await edge.user_says(http, russian, "/help", language_code="ru")
        assert await wait_for(lambda: _count(edge, http, user_id, 4))
        japanese = await _texts(edge, http, user_id)
        russian_texts = await _texts(edge, http, russian)
    assert len([b for row in _markup(menu) for b in row]) == 17
    assert japanese[1:] == [
        "これからは日本語で話すね。",
        "/voice on または /voice off と送ってね。",
        "今ちょっと立て込んでいるの — 少し時間をおいてからまた話しかけてね。"]
    assert json.loads(turn.data)["language"] == "ja"
    assert russian_texts[0].startswith("Вот что я понимаю:")


async def _count(edge, http, user: int, n: int) -> bool:
    return len(await _texts(edge, http, user)) >= n


async def test_paysupport_and_help_answer(edge_service, http, user_id) -> None:
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "/paysupport")
        await edge.user_says(http, user_id, "/help")
        texts = await _texts(edge, http, user_id)
    assert texts[0].startswith("Payment help:")
    assert all(c in texts[1] for c in ("/reset", "/language", "/buy", "/paysupport"))


async def test_image_command_requests_an_image_and_shows_upload_photo(edge_service, http,
                                                                      js, user_id) -> None:
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "/image a lighthouse at night")
        [image] = await stored(js, f"nectar.media.{user_id}.image_requested")
        actions = await edge.calls(http, "sendChatAction", user_id)
    assert json.loads(image.data)["prompt"] == "a lighthouse at night"
    assert [a["params"]["action"] for a in actions] == ["upload_photo"]


async def test_the_rate_limit_stops_a_flood_and_tells_the_user_once(edge_service, http, js,
                                                                    redis, user_id) -> None:
    async with edge_service(rate_limits={"free": 2}) as edge:
        for n in range(4):
            await edge.user_says(http, user_id, f"message {n}")
        turns = await stored(js, f"nectar.chat.{user_id}.turn_received", expect=2,
                             settle=0.5)
        texts = await _texts(edge, http, user_id)
        window = await redis.zcard(f"edge:rate:{user_id}")
    assert [json.loads(t.data)["text"] for t in turns] == ["message 0", "message 1"]
    assert len(texts) == 1 and texts[0].startswith("You're writing faster")
    assert window == 2


async def test_the_cost_guard_refuses_with_a_friendly_try_later(edge_service, http, js,
                                                                user_id) -> None:
    async with edge_service(daily_turn_limits={"free": 1}) as edge:
        await edge.user_says(http, user_id, "first")
        await edge.user_says(http, user_id, "second")
        turns = await stored(js, f"nectar.chat.{user_id}.turn_received", settle=0.5)
        texts = await _texts(edge, http, user_id)
    assert [json.loads(t.data)["text"] for t in turns] == ["first"]
    assert texts == ["I'm a little overwhelmed right now — please try again a bit later."]


async def test_an_upsell_reply_carries_a_button_to_the_suggested_plan(edge_service, http, js,
                                                                      user_id) -> None:
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "something spicy")
        answer = ReplyReady.new(producer="llm", user_id=user_id, chat_id=user_id,
                                character="luna", session="1", language="en",
                                reply_mode="text", model="m", attempt=0,
                                text="*smiles* Let's keep that for later, shall we?",
                                upsell="premium")
        await publish(js, answer)
        await stored(js, f"nectar.chat.{user_id}.reply_delivered")
        [sent] = await edge.calls(http, "sendMessage", user_id)
    assert sent["params"]["text"] == answer.text
    assert [[b["callback_data"] for b in row] for row in _markup(sent)] == [["buy:premium"]]


async def test_a_stars_purchase_end_to_end(edge_service, http, js, redis, user_id) -> None:
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "/buy")
        [offer] = await edge.calls(http, "sendMessage", user_id)
        await _press(edge, http, user_id, "buy:vip")
        [invoice] = await edge.calls(http, "sendInvoice", user_id)
        resp = await http.post(
            f"{edge.telegram}/_emulator/bots/{edge.token}/users/{user_id}/pre_checkout_query",
            params={"wait": 10}, json={})
        resp.raise_for_status()
        assert await edge.handled(resp.json()["update_id"])
        [payment] = await stored(js, f"nectar.billing.{user_id}.payment_received", settle=1.0)
        answers = await edge.calls(http, "answerPreCheckoutQuery")
        event = json.loads(payment.data)
        # billing turns the payment into a plan (issue 6); here the plan event it publishes
        await publish(js, PlanChanged.new(producer="billing", user_id=user_id, plan="vip",
                                          previous_plan="free"))
        assert await wait_for(lambda: _plan_is(redis, user_id, "vip"))
        await edge.user_says(http, user_id, "now as a vip")
        [turn] = await stored(js, f"nectar.chat.{user_id}.turn_received")
        texts = await _texts(edge, http, user_id)
    plans = [b["callback_data"] for row in _markup(offer) for b in row]
    assert plans == ["buy:basic", "buy:premium", "buy:vip", "buy:elite"]
    params = invoice["params"]
    assert params["currency"] == "XTR"
    prices = params["prices"] if isinstance(params["prices"], list) \
        else json.loads(params["prices"])
    assert prices[0]["amount"] == 1000
    assert [a["params"]["ok"] in (True, "true", "True") for a in answers] == [True]
    assert (event["provider"], event["currency"], event["plan"]) == ("telegram_stars", "XTR",
                                                                      "vip")
    assert float(event["amount"]) == 1000 and event["external_id"]
    assert json.loads(turn.data)["plan"] == "vip"
    assert texts[-1] == "Thank you! Your Vip plan will be active in a moment."


async def test_a_repeated_successful_payment_is_one_payment_event(edge_service, http, js,
                                                                  user_id) -> None:
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "/buy")
        await _press(edge, http, user_id, "buy:basic")
        for _ in range(2):
            resp = await http.post(
                f"{edge.telegram}/_emulator/bots/{edge.token}/users/{user_id}"
                "/successful_payment", params={"wait": 10},
                json={"telegram_payment_charge_id": f"charge-{user_id}"})
            resp.raise_for_status()
            assert await edge.handled(resp.json()["update_id"])
        payments = await stored(js, f"nectar.billing.{user_id}.payment_received",
                                settle=1.0)
    assert len(payments) == 1
    assert json.loads(payments[0].data)["external_id"] == f"charge-{user_id}"


async def test_a_forged_invoice_payload_is_refused_at_checkout(edge_service, http, js,
                                                               user_id) -> None:
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "hi")
        resp = await http.post(
            f"{edge.telegram}/_emulator/bots/{edge.token}/users/{user_id}/pre_checkout_query",
            params={"wait": 10}, json={"invoice_payload": f"v1.{user_id}.elite.1.x.forged",
                                       "currency": "XTR", "total_amount": 1})
        resp.raise_for_status()
        assert await edge.handled(resp.json()["update_id"])
        answers = await edge.calls(http, "answerPreCheckoutQuery")
        payments = await stored(js, f"nectar.billing.{user_id}.payment_received", expect=1,
                                timeout=1.0)
    [answer] = answers
    assert answer["params"]["ok"] in (False, "false", "False")
    assert answer["params"]["error_message"].startswith("This invoice isn't valid")
    assert payments == []


async def _plan_is(redis, user_id: int, plan: str) -> bool:
    return await redis.get(f"edge:plan:{user_id}") == plan
