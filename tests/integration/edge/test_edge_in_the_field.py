"""Issue 10's field fixes through the running edge: real NATS and Redis, the Bot API
emulator in-process. Every update Telegram can send is taken (200), read or dead-lettered
with its reason; groups, buttons and refunds behave as users expect."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from bot_api_updates import TURNS, UNREADABLE, update_kinds
from nats.js.api import DeliverPolicy
from nectar_cli.main import app as nectar
from nectar_edge.domain.i18n import STRINGS
from test_edge_service import stored, wait_for
from typer.testing import CliRunner

pytestmark = pytest.mark.integration


async def _dead_letters(js, update_ids: set[int], expect: int,
                        timeout: float = 20) -> dict[int, dict]:
    """Letters of `edge-update_received` whose update is one of `update_ids`."""
    sub = await js.subscribe("nectar.dlq.edge-update_received", ordered_consumer=True,
                             deliver_policy=DeliverPolicy.ALL)
    found: dict[int, dict] = {}
    deadline = time.monotonic() + timeout
    try:
        while len(found) < expect and time.monotonic() < deadline:
            try:
                msg = await sub.next_msg(timeout=max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
            letter = json.loads(msg.data)
            update_id = json.loads(letter["original_payload"])["update_id"]
            if update_id in update_ids:
                found[update_id] = letter
    finally:
        await sub.unsubscribe()
    return found


async def test_every_update_kind_is_taken_read_or_dead_lettered_with_its_reason(
        edge_service, http, js, user_id) -> None:
    base = 7_000_000 + user_id % 1_000_000 * 100
    async with edge_service() as edge:
        kinds = update_kinds(user_id, edge.bot_id, base)
        headers = {"X-Telegram-Bot-Api-Secret-Token": edge.secret}
        answers = {name: await http.post(edge.webhook, json=update, headers=headers)
                   for name, update in kinds.items()}
        for name, update in kinds.items():
            assert await edge.handled(update["update_id"], timeout=30), f"{name} not handled"
        turns = await stored(js, f"nectar.chat.{user_id}.turn_received", expect=len(TURNS),
                             settle=1.0)
        unreadable = {kinds[name]["update_id"]: name for name in UNREADABLE}
        letters = await _dead_letters(js, set(unreadable), expect=len(unreadable))
        others = await _dead_letters(js, {u["update_id"] for n, u in kinds.items()
                                          if n not in UNREADABLE}, expect=1, timeout=1)
        pressed = (await http.get(f"{edge.telegram}/_emulator/bots/{edge.token}"
                                  "/callback_queries")).json()
        answered = await edge.calls(http, "answerCallbackQuery")
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(kinds, 200)
    assert sorted(json.loads(t.data)["text"] for t in turns) == sorted([
        "hello from every kind", "a forwarded note", "forwarded from the future"])
    assert set(letters) == set(unreadable), "each unreadable update is dead-lettered"
    for letter in letters.values():
        assert letter["error_type"] == "poison"
        assert ("no update kind this code knows" in letter["reason"]
                or "message.chat: Field required" in letter["reason"]), letter["reason"]
    assert others == {}, "nothing readable is dead-lettered"
    assert pressed == {"callback_queries": {}}  # not pressed in the emulator: Telegram's id
    assert [a["params"]["callback_query_id"] for a in answered] == ["cq-every-kind"]


async def test_a_body_larger_than_anything_telegram_sends_is_refused_early(
        edge_service, http, js, user_id) -> None:
    async with edge_service(webhook_max_body_bytes=64 * 1024) as edge:
        update = {"update_id": 9_555_001, "message": {
            "message_id": 1, "date": int(time.time()), "text": "x" * 70_000,
            "chat": {"id": user_id, "type": "private", "first_name": "B"},
            "from": {"id": user_id, "is_bot": False, "first_name": "B"}}}
        resp = await http.post(edge.webhook, json=update,
                               headers={"X-Telegram-Bot-Api-Secret-Token": edge.secret})
        queued = await stored(js, f"nectar.telegram.{user_id}.update_received", timeout=1)
    assert resp.status_code == 413
    assert queued == []


async def test_long_polling_takes_a_batch_with_an_update_aiogram_cannot_read(
        edge_service, http, js, user_id) -> None:
    """aiogram #1840: getUpdates decoded by aiogram fails the whole batch, for ever."""
    async with edge_service(webhook=False) as edge:
        await edge.user_says(http, user_id, "before", wait_handled=True)
        now = int(time.time())
        me = {"id": user_id, "is_bot": False, "first_name": "P"}
        chat = {"id": user_id, "type": "private", "first_name": "P"}
        for text, origin in (("forwarded", {"type": "hidden_user", "date": 1422450181}),
                             ("after it", None)):
            message = {"message_id": 90 + len(text), "date": now, "from": me, "chat": chat,
                       "text": text, **({"forward_origin": origin} if origin else {})}
            resp = await http.post(f"{edge.telegram}/_emulator/bots/{edge.token}/updates",
                                   params={"wait": 10}, json={"message": message})
            assert resp.json()["delivered"] is True
        turns = await stored(js, f"nectar.chat.{user_id}.turn_received", expect=3,
                             timeout=20)
    assert [json.loads(t.data)["text"] for t in turns] == ["before", "forwarded", "after it"]


async def test_a_group_gets_one_polite_note_and_nothing_else(edge_service, http, js,
                                                              redis, user_id) -> None:
    group = -1_000_000_000_000 - user_id
    api = None
    async with edge_service() as edge:
        api = f"{edge.telegram}/_emulator/bots/{edge.token}"
        await http.post(f"{api}/groups/{group}/bot", params={"wait": 10},
                        json={"user_id": user_id, "title": "Friends", "type": "supergroup",
                              "language_code": "es"})
        assert await wait_for(lambda: _sent_to(edge, http, group))
        for text in ("hola bot", "/start", "/help@" + "nectar_emu_" + str(edge.bot_id) + "_bot"):
            receipt = (await http.post(f"{api}/groups/{group}/messages", params={"wait": 10},
                                       json={"user_id": user_id, "text": text})).json()
            assert await edge.handled(receipt["update_id"])
        pinned = {"message": {"message_id": 77, "date": int(time.time()),
                              "chat": {"id": group, "type": "supergroup", "title": "F"},
                              "from": {"id": user_id, "is_bot": False, "first_name": "G"},
                              "pinned_message": {"message_id": 1, "date": 0,
                                                 "chat": {"id": group, "type": "supergroup"},
                                                 "text": "rules"}}}
        receipt = (await http.post(f"{api}/updates", params={"wait": 10}, json=pinned)).json()
        assert await edge.handled(receipt["update_id"])
        to_group = await edge.calls(http, "sendMessage", group)
        to_user = await edge.calls(http, "sendMessage", user_id)
        turns = await stored(js, f"nectar.chat.{user_id}.turn_received", timeout=1)
        state = [k async for k in redis.scan_iter(match=f"edge:*:{user_id}")]
    [note] = to_group
    assert note["params"]["text"] == STRINGS["es"]["group_note"].format(
        bot=f"nectar_emu_{edge.bot_id}_bot")
    assert to_user == [] and turns == []
    assert state == [], "nothing in a group touches the user's state"


async def _sent_to(edge, http, chat_id: int) -> bool:
    return bool(await edge.calls(http, "sendMessage", chat_id))


async def test_a_failed_send_to_a_group_never_marks_the_user_inactive(
        edge_service, http, redis, user_id) -> None:
    group = -1_000_000_000_000 - user_id
    async with edge_service() as edge:
        await edge.fault(http, method="sendMessage", status=403, times=1,
                         description="Forbidden: bot was kicked from the group chat")
        receipt = (await http.post(
            f"{edge.telegram}/_emulator/bots/{edge.token}/groups/{group}/bot",
            params={"wait": 10}, json={"user_id": user_id})).json()
        assert await edge.handled(receipt["update_id"])
        attempts = await edge.calls(http, "sendMessage", group)
        inactive = await redis.exists(f"edge:inactive:{user_id}")
    assert [a["response_status"] for a in attempts] == [403]
    assert inactive == 0


async def test_a_button_with_unknown_data_is_answered(edge_service, http, user_id) -> None:
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "/start")
        receipt = await edge.press(http, user_id, "an-old-button-from-last-year")
        queries = (await http.get(f"{edge.telegram}/_emulator/bots/{edge.token}"
                                  "/callback_queries")).json()["callback_queries"]
    assert queries[receipt["callback_query_id"]] is True


async def test_a_refund_reaches_billing_and_the_user_is_told_in_their_language(
        edge_service, http, js, user_id, infra) -> None:
    async with edge_service() as edge:
        await edge.user_says(http, user_id, "/buy", language_code="it")
        await edge.press(http, user_id, "buy:premium", language_code="it")
        api = f"{edge.telegram}/_emulator/bots/{edge.token}"
        resp = await http.post(f"{api}/users/{user_id}/pre_checkout_query",
                               params={"wait": 10}, json={})
        assert await edge.handled(resp.json()["update_id"])
        [paid] = await stored(js, f"nectar.billing.{user_id}.payment_received")
        charge = json.loads(paid.data)["external_id"]
        env = {"EDGE_TELEGRAM_BOT_TOKEN": edge.token, "EDGE_TELEGRAM_API_BASE": edge.telegram,
               "NECTAR_NATS_URL": infra.nats_url}
        done = await asyncio.to_thread(
            CliRunner().invoke, nectar, ["telegram", "refund", "--user", str(user_id),
                                         "--charge", charge, "--yes"], env=env)
        refunds = await stored(js, f"nectar.billing.{user_id}.payment_refunded", expect=2,
                               timeout=20)
        assert await wait_for(lambda: _told(edge, http, user_id, "it"), timeout=15)
        texts = [c["params"]["text"] for c in await edge.calls(http, "sendMessage", user_id)]
    assert done.exit_code == 0, done.output
    assert "published billing.payment_refunded" in done.output
    events = [json.loads(r.data) for r in refunds]
    assert {(e["provider"], e["external_id"], float(e["amount"]), e["currency"])
            for e in events} == {("telegram_stars", charge, 500.0, "XTR")}
    assert {e["producer"] for e in events} == {"telegram_edge"}
    assert STRINGS["it"]["text_only"] not in texts
    assert texts.count(STRINGS["it"]["refund_done"].format(stars="500")) == 1


async def _told(edge, http, user_id: int, language: str) -> bool:
    texts = [c["params"]["text"] for c in await edge.calls(http, "sendMessage", user_id)]
    return STRINGS[language]["refund_done"].format(stars="500") in texts
