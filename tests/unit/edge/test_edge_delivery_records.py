"""Replies as close to exactly once as the Bot API allows: every outgoing message has a
delivery record (command answers, notices and invoices included), recording never turns
into a resend, claims lapse before a redelivery, and a missing plan is refilled from
billing rather than read as free."""

from __future__ import annotations

import time

import pytest
from aiogram import Bot
from aiogram.types import Update
from edge_fakes import FakeBillingPlans, World, edge_policy, incoming
from nectar_contracts import ReplyDelivered, ReplyReady, TurnReceived
from nectar_edge import chain, handlers
from nectar_edge.bootstrap import policy_from
from nectar_edge.bot.dispatcher import build_dispatcher
from nectar_edge.domain.delivery import pending
from nectar_edge.settings import EdgeSettings
from nectar_runtime import InfraSettings, outage_of
from redis.exceptions import ConnectionError as RedisConnectionError

TOKEN = "777000:unit-test-token-not-real-abcdef"


def _reply(user: int, text: str = "Hello from Luna.") -> ReplyReady:
    return ReplyReady.new(producer="llm", user_id=user, chat_id=user, character="luna",
                          session="1", text=text, language="en", reply_mode="text",
                          model="test/model", attempt=0)


async def _deliver_until_done(world: World, reply: ReplyReady) -> list:
    """What the bus does with the event: deliver; on a failure the claim lapses (or is
    released) and the event comes back."""
    for _ in range(3):
        try:
            return await handlers.deliver_reply(reply, world.deps)
        except Exception:  # noqa: BLE001  # whatever failed, the bus delivers it again
            world.deliveries.expire(str(reply.event_id))
    raise AssertionError("never delivered")


@pytest.mark.parametrize("parts", [1, 3])
async def test_the_store_failing_to_record_a_sent_message_never_resends_it(parts) -> None:
    world = World()
    text = " ".join(f"Sentence {i} is here." for i in range(300 * parts)) if parts > 1 \
        else "Hello from Luna."
    reply = _reply(71, text)
    world.deliveries.failures = [RedisConnectionError("redis restarting")] * 2

    [delivered] = await _deliver_until_done(world, reply)

    texts = world.messenger.texts(71)
    assert len(texts) == len(set(texts)) >= parts, "no part is sent twice"
    assert isinstance(delivered, ReplyDelivered)
    assert delivered.message_ids == [s.message_id for s in world.messenger.sent]
    assert world.deliveries.records[str(reply.event_id)].status == "sent"


async def test_a_crashed_owners_lease_lapses_and_its_recorded_parts_are_not_resent() -> None:
    world = World()
    text = " ".join(f"Sentence {i} is here." for i in range(600))  # 4 parts
    reply = _reply(72, text)
    # the replica that died had sent and recorded two parts
    world.deliveries.records[str(reply.event_id)] = pending("dead-replica", (501, 502),
                                                            int(time.time() * 1000) + 60_000)
    with pytest.raises(Exception, match="in flight elsewhere"):
        await handlers.deliver_reply(reply, world.deps)  # its lease is still alive

    world.deliveries.expire(str(reply.event_id))  # the lease runs out before redelivery
    [delivered] = await handlers.deliver_reply(reply, world.deps)

    assert len(world.messenger.texts(72)) == 2, "only the two parts never recorded"
    assert delivered.message_ids[:2] == [501, 502]


def _message_update(update_id: int, user: int, text: str) -> Update:
    return Update.model_validate({"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": user, "type": "private", "first_name": "U"},
        "from": {"id": user, "is_bot": False, "first_name": "U", "language_code": "en"}}})


def _press(update_id: int, user: int, data: str) -> Update:
    return Update.model_validate({"update_id": update_id, "callback_query": {
        "id": f"q{update_id}", "from": {"id": user, "is_bot": False, "first_name": "U"},
        "chat_instance": "c", "data": data, "message": {
            "message_id": 1, "date": int(time.time()), "text": "plans",
            "chat": {"id": user, "type": "private", "first_name": "U"}}}})


async def _feed_twice(world: World, *updates: Update) -> None:
    """A replica crashed after answering, before the update was marked handled: the
    update is handled again."""
    bot = Bot(TOKEN)
    dp = build_dispatcher(world.deps)
    try:
        for update in updates:
            await dp.feed_update(bot, update)
            await dp.feed_update(bot, update)
    finally:
        await bot.session.close()


async def test_every_answer_to_an_update_has_a_delivery_record() -> None:
    world = World(policy=edge_policy(daily_turn_limits={"free": 0}))
    await _feed_twice(world, _message_update(1, 73, "/help"),
                      _message_update(2, 73, "/dance"),
                      _message_update(3, 73, "a turn over the limit"),
                      _press(4, 73, "buy:vip"))
    kinds = [s.kind for s in world.messenger.sent]
    assert kinds == ["text", "text", "text", "invoice"], "each answer went out once"
    records = {k: r for k, r in world.deliveries.records.items() if k.startswith("update:")}
    assert sorted(k.rsplit(":", 1)[1] for k in records) == [
        "help", "try_later", "unknown_command", "vip"]
    assert all(r.status == "sent" for r in records.values())


async def test_a_group_gets_one_note_even_when_the_update_is_handled_twice() -> None:
    world = World()
    bot_member = {"id": 777000, "is_bot": True, "first_name": "Nectar"}
    added = Update.model_validate({"update_id": 5, "my_chat_member": {
        "chat": {"id": -100777, "type": "group", "title": "G"},
        "from": {"id": 74, "is_bot": False, "first_name": "U"}, "date": int(time.time()),
        "old_chat_member": {"status": "left", "user": bot_member},
        "new_chat_member": {"status": "member", "user": bot_member}}})
    await _feed_twice(world, added)
    assert len(world.messenger.texts(-100777)) == 1


def test_claims_lapse_before_the_ack_wait_redelivers_a_dead_replicas_message() -> None:
    for ack_wait in (60.0, 10.0, 4.0):
        settings = EdgeSettings(telegram_bot_token="123456:" + "a" * 20,
                                telegram_api_base="http://127.0.0.1:9",
                                infra=InfraSettings(ack_wait_s=ack_wait))
        policy = policy_from(settings)
        assert 0 < policy.update_claim_ttl_s < ack_wait
        assert 0 < policy.delivery_claim_ttl_s < ack_wait


# --- a plan missing from the cache is refilled from billing, never read as free --------

async def test_a_missing_plan_is_refilled_from_billings_latest_event() -> None:
    world = World(plans=FakeBillingPlans())
    world.plans.plans[75] = ("premium", 1_700_000_000_000)
    ctx = await chain.authenticate(chain.Sender(75, False, "en"), world.deps)
    assert ctx is not None and (ctx.plan, ctx.known_plan) == ("premium", True)
    assert world.users.plans[75] == ("premium", 1_700_000_000_000), "cached again"
    await chain.authenticate(chain.Sender(75, False, "en"), world.deps)
    assert world.plans.asked == [75], "billing is asked once; then the cache answers"
    [turn] = await handlers.receive_text(incoming(76, "hi"), World(plans=world.plans).deps)
    assert isinstance(turn, TurnReceived) and turn.plan == "free", "billing knows no 76"


async def test_a_new_user_is_free_and_the_bus_down_is_an_outage_not_free() -> None:
    world = World(plans=FakeBillingPlans())
    ctx = await chain.authenticate(chain.Sender(77, False, "en"), world.deps)
    assert ctx is not None and (ctx.plan, ctx.known_plan) == ("free", False)
    world.plans.down = True
    with pytest.raises(Exception) as raised:
        await chain.authenticate(chain.Sender(78, False, "en"), world.deps)
    assert outage_of(raised.value) == "nats"


