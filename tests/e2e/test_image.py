"""`/image` through every real process of the stack: the edge, media on two emulated ComfyUI
workers, SeaweedFS, billing for the plan. A photo is delivered (progress shown, uploaded from
object storage); a worker killed mid-job still yields exactly one photo; Cancel stops the
job; a free plan hears about its quota."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from redis.asyncio import Redis

from nectar_devstack.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[2]
WORKERS = ("comfyui_emulator_a", "comfyui_emulator_b")


def _worker_url(full_stack, name: str) -> str:  # type: ignore[no-untyped-def]
    return f"http://{full_stack.config.host}:{full_stack.config.port_of(name)}"


async def _paid(full_stack, client: httpx.AsyncClient, user: int, update_id: int) -> None:  # type: ignore[no-untyped-def]
    """A user on the basic plan (5 images a day): a first message makes billing create them,
    the operator grants the plan, the edge's plan cache learns it from billing's event."""
    await full_stack.post_update(client, full_stack.update(user, "hi", update_id))
    await full_stack.wait_sent(client, user, 1, timeout=60)
    env = {**os.environ, **full_stack.env, "NECTAR_DATA_DIR": str(full_stack.config.data_dir)}
    for _ in range(30):
        done = await asyncio.to_thread(
            subprocess.run, [str(ROOT / ".venv/bin/nectar"), "billing", "grant", str(user),
                             "basic", "--reason", "e2e"],
            capture_output=True, text=True, env=env, timeout=60)
        if done.returncode == 0:
            break
        await asyncio.sleep(1)  # billing creates the user from the first turn's event
    assert done.returncode == 0, done.stderr
    redis = Redis.from_url(full_stack.env["NECTAR_REDIS_URL"], decode_responses=True)
    try:
        for _ in range(100):
            if await redis.get(f"edge:plan:{user}") == "basic":
                return
            await asyncio.sleep(0.2)
    finally:
        await redis.aclose()
    raise AssertionError("the edge never learned the plan")


async def _messages(full_stack, client: httpx.AsyncClient, user: int) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    resp = await client.get(f"{full_stack.telegram}/_emulator/bots/{full_stack.token}/chats/"
                            f"{user}/messages", params={"after_message_id": 0, "timeout": 0})
    resp.raise_for_status()
    return list(resp.json()["messages"])


async def _until(predicate, timeout: float = 60):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        found = await predicate()
        if found:
            return found
        assert time.monotonic() < deadline, "it never happened"
        await asyncio.sleep(0.3)


async def _photos(full_stack, client, user: int) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return [m for m in await _messages(full_stack, client, user) if m["has_photo"]]


async def _shown(full_stack, client, photo: dict[str, Any]) -> str:  # type: ignore[no-untyped-def]
    resp = await client.get(f"{full_stack.telegram}/_emulator/bots/{full_stack.token}/files/"
                            f"{photo['file_id']}")
    resp.raise_for_status()
    with Image.open(io.BytesIO(resp.content)) as image:
        return json.dumps(image.text.get("nectar_emulator", ""))


async def _faults(full_stack, client, **spec: Any) -> None:  # type: ignore[no-untyped-def]
    for name in WORKERS:
        url = _worker_url(full_stack, name)
        if spec:
            (await client.post(f"{url}/_emulator/faults", json=spec)).raise_for_status()
        else:
            (await client.delete(f"{url}/_emulator/faults")).raise_for_status()


async def test_image_delivers_a_photo_with_progress_through_the_whole_stack(
        full_stack, client) -> None:
    user = 1_000_201
    await _paid(full_stack, client, user, 60_001)
    await full_stack.post_update(client, full_stack.update(user, "/image a red fox", 60_002))
    [photo] = await _until(lambda: _photos(full_stack, client, user), timeout=90)
    assert photo["caption"] == "a red fox"
    shown = await _shown(full_stack, client, photo)
    assert "character_luna_v3" in shown and "a red fox" in shown
    messages = await _messages(full_stack, client, user)
    [progress] = [m for m in messages if (m["text"] or "").startswith("🎨")]
    assert progress["reply_markup"]["inline_keyboard"][0][0]["text"] == "✖ Cancel"
    assert progress["deleted"]  # the photo replaced it
    assert progress["message_id"] < photo["message_id"]
    actions = await full_stack.sent(client, user, "sendChatAction")
    assert any(a["params"].get("action") == "upload_photo" for a in actions)


async def test_a_worker_killed_mid_job_still_yields_exactly_one_photo(full_stack,
                                                                      client) -> None:
    user = 1_000_202
    await _paid(full_stack, client, user, 60_101)
    await _faults(full_stack, client, kind="hang", node="KSampler", at_step=4,
                  interruptible=True, times=None)
    try:
        await full_stack.post_update(client, full_stack.update(user, "/image a lighthouse",
                                                               60_102))

        async def running() -> str | None:
            for name in WORKERS:
                state = (await client.get(f"{_worker_url(full_stack, name)}/_emulator/state"
                                          )).json()
                if state["queue"]["running"]:
                    return name
            return None

        victim = await _until(running)
        survivor = next(name for name in WORKERS if name != victim)
        (await client.delete(f"{_worker_url(full_stack, survivor)}/_emulator/faults")
         ).raise_for_status()
        [status] = Stack(full_stack.config, [victim]).status()
        assert status.pid is not None
        os.kill(status.pid, signal.SIGKILL)
        [photo] = await _until(lambda: _photos(full_stack, client, user), timeout=120)
        assert "a lighthouse" in await _shown(full_stack, client, photo)
        await asyncio.sleep(3)  # nothing else arrives
        assert len(await _photos(full_stack, client, user)) == 1
        survivor_state = (await client.get(f"{_worker_url(full_stack, survivor)}"
                                           "/_emulator/counters")).json()
        assert survivor_state["images_saved"] >= 1
    finally:
        Stack(full_stack.config, [*WORKERS]).up(timeout=60)
        await _faults(full_stack, client)


async def test_cancel_stops_the_job(full_stack, client) -> None:
    user = 1_000_203
    await _paid(full_stack, client, user, 60_201)
    await _faults(full_stack, client, kind="hang", node="KSampler", at_step=4,
                  interruptible=True, times=None)
    try:
        await full_stack.post_update(client, full_stack.update(user, "/image a castle",
                                                               60_202))

        async def progress_message() -> dict[str, Any] | None:
            found = [m for m in await _messages(full_stack, client, user)
                     if (m["text"] or "").startswith("🎨") and m["reply_markup"]]
            return found[0] if found else None

        message = await _until(progress_message)

        async def sampling() -> bool:
            states = [(await client.get(f"{_worker_url(full_stack, n)}/_emulator/state")
                       ).json() for n in WORKERS]
            return any(s["queue"]["running"] for s in states)

        await _until(sampling)
        [[button]] = message["reply_markup"]["inline_keyboard"]
        (await client.post(f"{full_stack.telegram}/_emulator/bots/{full_stack.token}/users/"
                           f"{user}/callback", json={"data": button["callback_data"],
                                                     "message_id": message["message_id"]},
                           params={"wait": 10})).raise_for_status()

        async def cancelled() -> dict[str, Any] | None:
            found = [m for m in await _messages(full_stack, client, user)
                     if (m["text"] or "").startswith("Cancelled")]
            return found[0] if found else None

        await _until(cancelled)
        counters = [(await client.get(f"{_worker_url(full_stack, n)}/_emulator/counters")
                     ).json() for n in WORKERS]
        assert sum(c["prompts_interrupted"] for c in counters) >= 1
        await asyncio.sleep(2)
        assert await _photos(full_stack, client, user) == []
    finally:
        await _faults(full_stack, client)


async def test_a_free_plan_hears_about_its_quota_in_its_language(full_stack, client) -> None:
    user = 1_000_204
    await full_stack.post_update(client, full_stack.update(user, "/image a cat", 60_301,
                                                           lang="es"))

    async def told() -> str | None:
        texts = [m["text"] for m in await _messages(full_stack, client, user)]
        return next((t for t in texts if t and t.startswith("Ya usaste")), None)

    assert await _until(told)
    assert await _photos(full_stack, client, user) == []


async def test_nectar_chat_shows_the_picture_coming_and_saves_the_photo(full_stack, client,
                                                                        tmp_path: Path) -> None:
    user = 1_000_205
    await _paid(full_stack, client, user, 60_401)
    env = {**os.environ, "NECTAR_DATA_DIR": str(full_stack.config.data_dir)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    done = await asyncio.to_thread(
        subprocess.run, [str(ROOT / ".venv/bin/nectar"), "chat", "--user", str(user),
                         "--save-dir", str(tmp_path)],
        input="/image a harbour at night\n/quit\n", capture_output=True, text=True, env=env,
        timeout=180)
    assert done.returncode == 0, done.stderr
    assert "bot> 🎨 Drawing your picture…" in done.stdout
    saved_files = list(tmp_path.glob("*-photo.*"))
    assert len(saved_files) == 1, done.stdout
    [saved] = saved_files
    assert f"bot> [photo] saved to {saved}" in done.stdout
    with Image.open(saved) as image:
        assert "a harbour at night" in json.dumps(image.text.get("nectar_emulator", ""))
