"""Voice mode through every real process: `/voice on`, a turn, then the text reply and a
Telegram voice message whose bytes are OGG/Opus of the stated duration; with Inworld down,
the offline voice answers. The module starts its own stack."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import soundfile as sf
from nats.js.api import DeliverPolicy
from redis.asyncio import Redis

# the stack's start (under the first test's timeout) and offline synthesis take long on a
# loaded 2-core machine
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]

ROOT = Path(__file__).resolve().parents[2]


async def bot_messages(full_stack, client: httpx.AsyncClient, user: int, *, count: int,
                       timeout: float = 90) -> list[dict[str, Any]]:
    """The bot's messages in the user's chat (what the user sees), once `count` arrived."""
    deadline = time.monotonic() + timeout
    while True:
        resp = await client.get(
            f"{full_stack.telegram}/_emulator/bots/{full_stack.token}/chats/{user}/messages",
            params={"after_message_id": 0, "timeout": 0})
        resp.raise_for_status()
        messages = [m for m in resp.json()["messages"]
                    if m.get("from", {}).get("is_bot", True)]
        if len(messages) >= count or time.monotonic() > deadline:
            return messages
        await asyncio.sleep(0.3)


async def voice_bytes(full_stack, client: httpx.AsyncClient, file_id: str) -> bytes:
    resp = await client.get(
        f"{full_stack.telegram}/_emulator/bots/{full_stack.token}/files/{file_id}")
    resp.raise_for_status()
    return resp.content


def ogg_opus_duration(data: bytes) -> float:
    info = sf.info(io.BytesIO(data))
    assert (info.format, info.subtype, info.samplerate, info.channels) == ("OGG", "OPUS",
                                                                           48000, 1)
    return float(info.duration)


async def turn(full_stack, client, user: int, text: str, update_id: int) -> None:
    receipt = await full_stack.post_update(client, full_stack.update(user, text, update_id))
    assert receipt["delivered"] is True


async def voice_ready(js, user: int):
    return await js.subscribe(f"nectar.voice.{user}.voice_ready", ordered_consumer=True,
                              deliver_policy=DeliverPolicy.NEW)


async def test_voice_mode_sends_the_text_and_an_ogg_opus_voice_message(
        full_stack, client) -> None:
    user = 1_000_201
    await turn(full_stack, client, user, "/voice on", 60_001)
    await bot_messages(full_stack, client, user, count=1)
    await turn(full_stack, client, user, "Tell me about the stars tonight", 60_002)

    messages = await bot_messages(full_stack, client, user, count=3)
    voices = [m for m in messages if m["has_voice"]]
    assert len(voices) == 1, messages
    assert any("Tell me about the stars tonight" in (m["text"] or "") for m in messages), \
        "the text reply is delivered too"
    data = await voice_bytes(full_stack, client, voices[0]["file_id"])
    duration = ogg_opus_duration(data)
    assert duration > 0.5
    [call] = await full_stack.sent(client, user, method="sendVoice")
    assert int(call["params"]["duration"]) == max(1, round(duration))  # the stated duration
    actions = await full_stack.sent(client, user, method="sendChatAction")
    assert any(a["params"].get("action") == "record_voice" for a in actions)


async def test_with_inworld_down_the_offline_voice_answers(full_stack, client, js) -> None:
    user = 1_000_202
    await turn(full_stack, client, user, "hello", 60_101)  # billing creates the user
    await bot_messages(full_stack, client, user, count=1)
    env = {**os.environ, "NECTAR_DATA_DIR": str(full_stack.config.data_dir),
           "BILLING_DATABASE_URL": full_stack.env["BILLING_DATABASE_URL"]}
    granted = await asyncio.to_thread(
        subprocess.run, [str(ROOT / ".venv/bin/nectar"), "billing", "grant", str(user),
                         "premium", "--reason", "e2e voice"],
        capture_output=True, text=True, env=env, timeout=90)
    assert granted.returncode == 0, granted.stderr
    redis = Redis.from_url(full_stack.env["NECTAR_REDIS_URL"], decode_responses=True)
    try:
        deadline = time.monotonic() + 30
        while await redis.get(f"edge:plan:{user}") != "premium":
            assert time.monotonic() < deadline, "the edge never saw the premium plan"
            await asyncio.sleep(0.3)
    finally:
        await redis.aclose()
    await turn(full_stack, client, user, "/voice on", 60_102)
    await bot_messages(full_stack, client, user, count=2)

    inworld = f"http://{full_stack.config.host}:{full_stack.config.inworld_emulator_port}"
    ready = await voice_ready(js, user)
    try:
        await turn(full_stack, client, user, "Sing me something soft", 60_103)
        first = json.loads((await ready.next_msg(timeout=90)).data)
        assert (first["provider"], first["cache_hit"]) == ("inworld", False)

        await client.post(f"{inworld}/_emulator/script",
                          json={"behaviour": "http_503", "times": None})
        try:
            await turn(full_stack, client, user, "Are you still there?", 60_104)
            second = json.loads((await ready.next_msg(timeout=120)).data)
        finally:
            await client.delete(f"{inworld}/_emulator/script")
    finally:
        await ready.unsubscribe()
    assert second["provider"] == "piper" and second["billed_chars"] == 0

    messages = await bot_messages(full_stack, client, user, count=6)
    voices = [m for m in messages if m["has_voice"]]
    assert len(voices) == 2, messages
    offline = await voice_bytes(full_stack, client, voices[-1]["file_id"])
    calls = await full_stack.sent(client, user, method="sendVoice")
    assert int(calls[-1]["params"]["duration"]) == max(1, round(ogg_opus_duration(offline)))
