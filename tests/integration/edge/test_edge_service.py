"""The edge end to end: the Telegram emulator in-process, real NATS and Redis."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy
from nectar_contracts import Event, PlanChanged, ReplyReady

pytestmark = pytest.mark.integration


async def publish(js: JetStreamContext, event: Event, msg_id: str | None = None) -> None:
    """Publish like a producing service (or, with another msg id, a duplicate that
    JetStream stores again: what a producer's retry after a lost ack looks like)."""
    await js.publish(event.subject, event.model_dump_json().encode(), stream=event.stream,
                     headers={"Nats-Msg-Id": msg_id or str(event.event_id)})


async def stored(js: JetStreamContext, subject: str, *, expect: int = 1,
                 timeout: float = 10, settle: float = 0.0) -> list[Any]:
    """Messages stored on `subject` (a user's subject: unique per test), waiting until
    `expect` arrived, then `settle` seconds more to catch extra ones."""
    sub = await js.subscribe(subject, ordered_consumer=True, deliver_policy=DeliverPolicy.ALL)
    out: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if len(out) >= expect:
                if settle <= 0:
                    break
                remaining, settle = settle, 0.0
                deadline = time.monotonic() + remaining
            if remaining <= 0:
                break
            try:
                out.append(await sub.next_msg(timeout=remaining))
            except TimeoutError:
                if len(out) >= expect:
                    break
                if time.monotonic() >= deadline:
                    break
    finally:
        await sub.unsubscribe()
    return out


def update(user: int, text: str, update_id: int, lang: str = "en") -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": 7, "date": int(time.time()), "text": text,
        "chat": {"id": user, "type": "private", "first_name": "T"},
        "from": {"id": user, "is_bot": False, "first_name": "T", "language_code": lang}}}


def reply(user: int, text: str = "Hi! Lovely to hear from you.") -> ReplyReady:
    return ReplyReady.new(producer="llm", user_id=user, chat_id=user, character="luna",
                          session="1", text=text, language="en", reply_mode="text",
                          model="emulator/test", attempt=0)


async def wait_for(predicate, timeout: float = 10, every: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(every)
    return await predicate()


# --- webhook in ------------------------------------------------------------------------

async def test_a_webhook_call_without_the_secret_is_refused_with_no_effect(
        edge_service, http, js, redis, user_id) -> None:
    async with edge_service() as edge:
        body = update(user_id, "let me in", 9_001)
        missing = await http.post(edge.webhook, json=body)
        wrong = await http.post(edge.webhook, json=body,
                                headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
        turns = await stored(js, f"nectar.chat.{user_id}.turn_received", expect=1, timeout=1.5)
        dedupe_key = await redis.exists(f"edge:update:{edge.bot_id}:9001")
    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert turns == []
    assert dedupe_key == 0, "a refused call must not burn the update id"


async def test_a_webhook_body_that_is_not_json_is_a_bad_request(edge_service, http) -> None:
    async with edge_service() as edge:
        resp = await http.post(edge.webhook, content=b"{nope",
                               headers={"X-Telegram-Bot-Api-Secret-Token": edge.secret})
        not_update = await http.post(edge.webhook, json=[1, 2],
                                     headers={"X-Telegram-Bot-Api-Secret-Token": edge.secret})
    assert resp.status_code == 400 and not_update.status_code == 400


async def test_a_user_message_becomes_one_turn_with_the_right_fields(
        edge_service, http, js, redis, user_id) -> None:
    await redis.set(f"edge:plan:{user_id}", "premium")
    await redis.set(f"edge:voice:{user_id}", "on")
    async with edge_service() as edge:
        receipt = await edge.user_says(http, user_id, "hello Luna", language_code="ru")
        [msg] = await stored(js, f"nectar.chat.{user_id}.turn_received", settle=0.3)
        assert await wait_for(lambda: _has_calls(edge, http, "sendChatAction", user_id))
        typing = await edge.calls(http, "sendChatAction", user_id)
    assert receipt["delivered"] is True
    turn = json.loads(msg.data)
    assert turn["type"] == "chat.turn_received" and turn["producer"] == "telegram_edge"
    assert (turn["user_id"], turn["chat_id"], turn["text"]) == (user_id, user_id, "hello Luna")
    assert (turn["character"], turn["session"], turn["language"]) == ("luna", "1", "ru")
    assert (turn["plan"], turn["reply_mode"]) == ("premium", "voice")
    assert turn["update_id"] == receipt["update_id"]
    assert turn["message_id"] == receipt["message_id"]
    assert turn["correlation_id"] == turn["event_id"]
    assert msg.headers["Nats-Msg-Id"] == turn["event_id"]
    assert typing[0]["params"]["action"] == "record_voice", "a voice reply is being recorded"


async def test_the_turns_trace_starts_at_the_telegram_update(
        edge_service, http, js, user_id) -> None:
    async with edge_service() as edge:
        resp = await http.post(edge.webhook, json=update(user_id, "trace me", 9_101),
                               headers={"X-Telegram-Bot-Api-Secret-Token": edge.secret})
        [msg] = await stored(js, f"nectar.chat.{user_id}.turn_received")
        assert await edge.handled(9_101)
        spans = edge.spans()
    assert resp.status_code == 200 and resp.json()["outcome"] == "queued"
    turn = json.loads(msg.data)
    trace_id = msg.headers["traceparent"].split("-")[1]
    [root] = [s for s in spans if s["name"] == "telegram.update"
              and s["attributes"].get("telegram.update_id") == 9_101]
    assert root["trace_id"] == trace_id and root["parent_span_id"] is None
    [handling] = [s for s in spans if s["name"] == "telegram.update.handle"
                  and s["attributes"].get("telegram.update_id") == 9_101]
    assert handling["trace_id"] == trace_id, "the bus hop keeps the trace"
    assert handling["attributes"]["nectar.turn_id"] == turn["event_id"]


async def test_the_same_update_twice_is_one_turn(edge_service, http, js, redis,
                                                 user_id) -> None:
    update_id = 9_000_000 + user_id % 1000
    async with edge_service() as edge:
        body = update(user_id, "only once", update_id)
        headers = {"X-Telegram-Bot-Api-Secret-Token": edge.secret}
        first = await http.post(edge.webhook, json=body, headers=headers)
        second = await http.post(edge.webhook, json=body, headers=headers)
        assert await edge.handled(update_id)
        # past JetStream's duplicate window a redelivery is stored again: the consumer's
        # dedupe by update_id still makes it one turn
        [queued] = await stored(js, f"nectar.telegram.{user_id}.update_received")
        await js.publish(queued.subject, queued.data, stream="TELEGRAM",
                         headers={"Nats-Msg-Id": "late-redelivery"})
        turns = await stored(js, f"nectar.chat.{user_id}.turn_received", settle=1.5)
        typing = await edge.calls(http, "sendChatAction", user_id)
        key = f"edge:update:{edge.bot_id}:{update_id}"
        mark, ttl = await redis.get(key), await redis.ttl(key)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (mark, 86000 < ttl <= 86400) == ("done", True)
    assert (first.json()["outcome"], second.json()["outcome"]) == ("queued", "queued")
    assert len(turns) == 1
    assert len(typing) == 1


async def test_commands_answer_directly_and_image_requests_go_on_the_bus(
        edge_service, http, js, redis, user_id) -> None:
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "/start")
        await edge.user_says(http, user_id, "/voice on")
        await edge.user_says(http, user_id, "/character mira")
        await edge.user_says(http, user_id, "/image a fox in the snow")
        [image] = await stored(js, f"nectar.media.{user_id}.image_requested")
        sent = await edge.calls(http, "sendMessage", user_id)
        voice_flag = await redis.get(f"edge:voice:{user_id}")
    request = json.loads(image.data)
    assert request["prompt"] == "a fox in the snow"
    assert request["character"] == "mira"
    assert [c["response_status"] for c in sent] == [200, 200, 200, 200]
    assert "Luna" in sent[0]["params"]["text"]
    assert sent[1]["params"]["text"] == "Voice replies are on."
    assert sent[2]["params"]["text"] == "You're now talking to Mira."
    # the image job's progress message, with its Cancel button, is the fourth
    assert sent[3]["params"]["text"] == "🎨 Drawing your picture…"
    assert request["job_id"] in json.dumps(sent[3]["params"]["reply_markup"])
    assert voice_flag == "on"


async def test_long_polling_mode_takes_updates_without_a_webhook(
        edge_service, http, js, user_id) -> None:
    async with edge_service(webhook=False) as edge:
        await edge.user_says(http, user_id, "polling hello")
        [msg] = await stored(js, f"nectar.chat.{user_id}.turn_received", settle=0.5)
        deletes = await edge.calls(http, "deleteWebhook")
    assert json.loads(msg.data)["text"] == "polling hello"
    assert len(deletes) == 1


# --- bus out ---------------------------------------------------------------------------

async def _has_calls(edge, http, method: str, chat_id: int, count: int = 1,
                     status: int | None = None) -> bool:
    calls = await edge.calls(http, method, chat_id)
    if status is not None:
        calls = [c for c in calls if c["response_status"] == status]
    return len(calls) >= count


async def test_a_reply_published_twice_is_sent_once_and_reported_delivered(
        edge_service, http, js, user_id) -> None:
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "hi")  # the chat exists once the user wrote
        answer = reply(user_id)
        await publish(js, answer, msg_id=f"a-{answer.event_id}")
        await publish(js, answer, msg_id=f"b-{answer.event_id}")
        delivered = await stored(js, f"nectar.chat.{user_id}.reply_delivered", settle=1.5)
        sent = await edge.calls(http, "sendMessage", user_id)
        shown = await edge.messages(http, user_id)
    assert len(sent) == 1
    assert sent[0]["params"]["text"] == answer.text
    assert "parse_mode" not in sent[0]["params"]
    assert len(delivered) == 1
    event = json.loads(delivered[0].data)
    assert event["reply_event_id"] == str(answer.event_id)
    assert event["message_ids"] == [m["message_id"] for m in shown]


async def test_a_429_from_telegram_is_retried_later_and_delivered_once(
        edge_service, http, js, user_id) -> None:
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "hi")
        await edge.fault(http, method="sendMessage", status=429, retry_after=1, times=1)
        answer = reply(user_id, "After the flood, the answer.")
        started = time.monotonic()
        await publish(js, answer)
        [done] = await stored(js, f"nectar.chat.{user_id}.reply_delivered", timeout=15,
                              settle=1.0)
        elapsed = time.monotonic() - started
        sent = await edge.calls(http, "sendMessage", user_id)
        shown = await edge.messages(http, user_id)
    assert [c["response_status"] for c in sent] == [429, 200]
    assert elapsed >= 0.9, "the retry waited for retry_after"
    assert len(shown) == 1
    assert json.loads(done.data)["message_ids"] == [shown[0]["message_id"]]


async def test_a_long_reply_is_split_and_all_parts_are_reported(
        edge_service, http, js, user_id) -> None:
    text = " ".join(f"This is sentence {i} of a long answer." for i in range(250))
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "tell me a story")
        await publish(js, reply(user_id, text))
        [done] = await stored(js, f"nectar.chat.{user_id}.reply_delivered")
        sent = await edge.calls(http, "sendMessage", user_id)
        shown = await edge.messages(http, user_id)
    parts = [c["params"]["text"] for c in sent]
    assert len(parts) == 3 and " ".join(parts) == text
    assert all(len(p) <= 4096 and p.endswith(".") for p in parts)
    assert json.loads(done.data)["message_ids"] == [m["message_id"] for m in shown]


async def test_a_user_who_blocked_the_bot_is_marked_inactive_without_retries(
        edge_service, http, js, redis, user_id) -> None:
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "hi")
        await http.post(f"{edge.telegram}/_emulator/bots/{edge.token}/users/{user_id}/block",
                        json={"blocked": True})
        await publish(js, reply(user_id))
        assert await wait_for(lambda: redis.exists(f"edge:inactive:{user_id}"))
        await asyncio.sleep(1.5)
        sent = await edge.calls(http, "sendMessage", user_id)
        delivered = await stored(js, f"nectar.chat.{user_id}.reply_delivered", timeout=0.5)
    assert [c["response_status"] for c in sent] == [403]
    assert delivered == []


async def test_a_failed_reply_is_an_apology_in_the_users_language(
        edge_service, http, js, user_id) -> None:
    from nectar_contracts import ReplyFailed

    async with edge_service() as edge:
        await edge.user_says(http, user_id, "привет")
        failed = ReplyFailed.new(producer="llm", user_id=user_id, chat_id=user_id,
                                 character="luna", session="1", language="ru",
                                 reason="all_models_failed")
        await publish(js, failed)
        assert await wait_for(lambda: _has_calls(edge, http, "sendMessage", user_id))
        sent = await edge.calls(http, "sendMessage", user_id)
    assert [c["params"]["text"] for c in sent] == [
        "Прости, сейчас не получилось ответить — попробуй ещё раз чуть позже."]


async def test_plan_changes_update_the_plan_cache(edge_service, js, redis, user_id) -> None:
    async with edge_service():
        await publish(js, PlanChanged.new(producer="billing", user_id=user_id, plan="vip",
                                          previous_plan="free"))
        assert await wait_for(lambda: _plan_is(redis, user_id, "vip"))


async def _plan_is(redis, user_id: int, plan: str) -> bool:
    return await redis.get(f"edge:plan:{user_id}") == plan
