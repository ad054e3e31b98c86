"""A Telegram update in, a Bot API call out, through every real process of the stack."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from pathlib import Path

import asyncpg
import pytest
from nats.js.api import DeliverPolicy
from redis.asyncio import Redis

from nectar_devstack.stack import Stack

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


async def _next_turn(js, user: int, timeout: float = 15) -> dict:
    sub = await js.subscribe(f"nectar.chat.{user}.turn_received", ordered_consumer=True,
                             deliver_policy=DeliverPolicy.LAST_PER_SUBJECT)
    try:
        msg = await sub.next_msg(timeout=timeout)
        return json.loads(msg.data)
    finally:
        await sub.unsubscribe()


async def test_an_update_yields_the_llm_reply_and_one_trace_across_services(
        full_stack, client, js) -> None:
    user = 1_000_101
    receipt = await full_stack.post_update(client, full_stack.update(user, "hello there", 50_001))
    assert receipt["delivered"] is True

    calls = await full_stack.wait_sent(client, user)
    assert len(calls) == 1
    text = calls[0]["params"]["text"]
    assert "emulator" in text.lower() and "hello there" in text

    turn = await _next_turn(js, user)
    turn_id = turn["event_id"]
    expected = {"telegram_edge", "memory", "llm", "billing"}
    deadline = time.monotonic() + 10
    while True:
        spans = [s for s in full_stack.spans()
                 if s["attributes"].get("nectar.turn_id") == turn_id]
        services = {s["service"] for s in spans}
        if expected <= services or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.3)
    assert expected <= services, f"spans of turn {turn_id} only from {services}"
    assert len({s["trace_id"] for s in spans}) == 1, "one turn is one trace"


async def test_a_bad_secret_is_refused_without_any_event(full_stack, client) -> None:
    user = 1_000_102
    for secret in ("wrong", ""):
        resp = await full_stack.post_direct(client, full_stack.update(user, "sneaky", 50_002),
                                            secret=secret)
        assert resp.status_code == 403
    await asyncio.sleep(1.5)
    assert await full_stack.sent(client, user) == []


async def test_a_duplicated_update_is_answered_once(full_stack, client) -> None:
    user = 1_000_103
    update = full_stack.update(user, "only once please", 50_003)
    for _ in range(3):
        assert (await full_stack.post_update(client, update))["delivered"] is True
    await full_stack.wait_sent(client, user)
    await asyncio.sleep(2)
    assert len(await full_stack.sent(client, user)) == 1


async def test_a_malformed_event_is_dead_lettered_and_the_next_turn_answered(
        full_stack, client, js) -> None:
    user = 1_000_104
    letters = await js.subscribe("nectar.dlq.memory-turn_received", ordered_consumer=True,
                                 deliver_policy=DeliverPolicy.NEW)
    await js.publish(f"nectar.chat.{user}.turn_received", b'{"type": "chat.turn_received"}')
    letter = json.loads((await letters.next_msg(timeout=15)).data)
    await letters.unsubscribe()
    assert letter["error_type"] == "malformed"
    assert letter["original_subject"] == f"nectar.chat.{user}.turn_received"
    assert "Field required" in letter["reason"]

    await full_stack.post_update(client, full_stack.update(user, "still there?", 50_004))
    calls = await full_stack.wait_sent(client, user)
    assert len(calls) == 1 and "still there?" in calls[0]["params"]["text"]

    # operators see it with `nectar dlq list`; replay is a dry run unless told otherwise
    env = {**os.environ, "NECTAR_DATA_DIR": str(full_stack.config.data_dir)}
    listed = await asyncio.to_thread(
        subprocess.run, [str(ROOT / ".venv/bin/nectar"), "dlq", "list", "--consumer",
                         "memory-turn_received"], capture_output=True, text=True, env=env,
        timeout=60)
    assert listed.returncode == 0, listed.stderr
    letters = [json.loads(line) for line in listed.stdout.splitlines()]
    assert letter["event_id"] in {x["event_id"] for x in letters}
    dry = await asyncio.to_thread(
        subprocess.run, [str(ROOT / ".venv/bin/nectar"), "dlq", "replay", "--consumer",
                         "memory-turn_received"], capture_output=True, text=True, env=env,
        timeout=60)
    assert dry.returncode == 0 and "dry run: nothing published" in dry.stdout


async def test_media_answers_not_available_so_the_user_hears_something(
        full_stack, client) -> None:
    user = 1_000_105
    await full_stack.post_update(client, full_stack.update(user, "/image a red fox", 50_005))
    calls = await full_stack.wait_sent(client, user)
    assert len(calls) == 1 and "available" in calls[0]["params"]["text"].lower()


async def test_nectar_say_prints_the_reply_as_json(full_stack) -> None:
    env = {**os.environ, "NECTAR_DATA_DIR": str(full_stack.config.data_dir)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    done = await asyncio.to_thread(
        subprocess.run, [str(ROOT / ".venv/bin/nectar"), "say", "--user", "1000106",
                         "--character", "kai", "--lang", "ru", "hello from the cli"],
        capture_output=True, text=True, env=env, timeout=90)
    assert done.returncode == 0, done.stderr
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(replies) == 1 and "hello from the cli" in replies[0]["text"]
    redis = Redis.from_url(full_stack.env["NECTAR_REDIS_URL"], decode_responses=True)
    try:
        assert await redis.get("edge:character:1000106") == "kai"
        assert await redis.llen("mem:hot:1000106:kai:1") == 2
    finally:
        await redis.aclose()


async def test_a_turn_waits_while_the_llm_is_down_and_is_answered_once(
        full_stack, client) -> None:
    user = 1_000_107
    llm = Stack(full_stack.config, ["llm"])
    llm.down()
    try:
        await full_stack.post_update(client, full_stack.update(user, "are you awake?", 50_007))
        await asyncio.sleep(3)
        assert await full_stack.sent(client, user) == [], "no reply while the llm is down"
    finally:
        llm.up(wait=True, timeout=60)
    calls = await full_stack.wait_sent(client, user, timeout=40)
    await asyncio.sleep(2)
    calls = await full_stack.sent(client, user)
    assert len(calls) == 1 and "are you awake?" in calls[0]["params"]["text"]


async def test_users_and_history_survive_a_restart(full_stack, client) -> None:
    user = 1_000_108
    await full_stack.post_update(client, full_stack.update(user, "remember me", 50_008))
    await full_stack.wait_sent(client, user)
    await asyncio.sleep(1)

    full_stack.stack.down()
    full_stack.stack.up(wait=True, timeout=180)

    cfg = full_stack.config
    conn = await asyncpg.connect(host=cfg.host, port=cfg.postgres_port, user="nectar",
                                 database="nectar")
    try:
        row = await conn.fetchrow("SELECT id, auth_source, plan FROM users WHERE id = $1", user)
    finally:
        await conn.close()
    assert row is not None and row["auth_source"] == "telegram" and row["plan"] == "free"

    redis = Redis.from_url(full_stack.env["NECTAR_REDIS_URL"])
    try:
        keys = [k async for k in redis.scan_iter(match=f"mem:hot:{user}:*")]
        assert keys, "the hot buffer survived the restart"
        lines = [json.loads(x) for x in await redis.lrange(keys[0], 0, -1)]
    finally:
        await redis.aclose()
    assert [line["role"] for line in lines] == ["user", "assistant"]
    assert lines[0]["content"] == "remember me"

    # the emulator restarted with an empty call log; the reply shows the history came along
    await full_stack.post_update(client, full_stack.update(user, "me again", 50_009))
    calls = await full_stack.wait_sent(client, user)
    assert len(calls) == 1
    assert "(I have 2 earlier messages in context.)" in calls[0]["params"]["text"]
