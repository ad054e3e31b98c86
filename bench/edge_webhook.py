"""Edge webhook and outbound delivery benchmark.

What it measures
  * Inbound: Telegram updates POSTed to the edge's webhook at an offered rate (default
    200 updates/s for 5 s, each from its own user, with the secret header): updates
    accepted (HTTP 200) per second and the acknowledgement latency (POST to response),
    p50/p99. An accepted update has had its secret checked, been validated and been
    stored on the bus (JetStream acked); the work (dedupe, middleware chain, commands)
    follows in a consumer. By default (`--layout split`) the webhook is served by an
    intake process (EDGE_ROLE=intake) and the work done by a worker process
    (EDGE_ROLE=worker), as operators should run them; `--layout single` runs one process
    that does both. Side by side, in the same run and at the same rate: GET /healthz of
    the same process (the HTTP floor of this machine), so the ratio shows the edge's cost.
  * Outbound: replies published on the bus (`chat.reply_ready`, several per user) while
    the Bot API emulator enforces Telegram's limits: 30 messages/s for the bot and
    1 message/s per chat (with a burst of 2). Counted: sends answered 429 by the emulator,
    and replies a user never got or got twice (`user_visible_429`: must be 0; a 429 the
    edge absorbs by waiting is invisible to the user).

Where it runs
  Its own throwaway NATS and Redis (nectar_devstack, temp dir, free ports), the Telegram
  emulator in this process, and the edge as its own processes (`python -m nectar_edge`), so
  benchmark data never mixes with real data.

Its last line is one JSON object:
  {"bench": "edge_webhook", "layout", "offered_per_s", "accepted_per_s", "handled_per_s" (updates
   through the middleware chain per second, after the ack), "ack_p50_ms", "ack_p99_ms",
   "baseline_ack_p99_ms", "ack_p99_ratio", "target_ack_p99_ms", "meets_target",
   "outbound_messages", "outbound_per_s", "telegram_429", "user_visible_429"}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import httpx
import nats
from nectar_contracts import ReplyReady
from nectar_devstack.testing import nats_url, redis_url, start_stack
from nectar_emulators._server import serve
from nectar_emulators.telegram import TelegramEmulatorSettings, create_app
from nectar_runtime.testing import free_port
from redis.asyncio import Redis

TARGET_P99_MS = 20.0


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def update(user: int, update_id: int, text: str) -> dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id % 100_000, "date": int(time.time()), "text": text,
        "chat": {"id": user, "type": "private", "first_name": "Bench"},
        "from": {"id": user, "is_bot": False, "first_name": "Bench", "language_code": "en"}}}


async def offered(rate: float, count: int, send) -> list[float]:
    """Open loop: start `send(i)` at `rate` per second; the latencies in ms."""
    latencies: list[float] = []

    async def timed(i: int) -> None:
        started = time.perf_counter()
        if await send(i):
            latencies.append((time.perf_counter() - started) * 1000)

    tasks = []
    start = time.perf_counter()
    for i in range(count):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(timed(i)))
    await asyncio.gather(*tasks)
    return latencies


async def wait_ready(client: httpx.AsyncClient, url: str, proc: subprocess.Popen,
                     timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the edge exited with {proc.returncode}")
        try:
            if (await client.get(f"{url}/readyz")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.2)
    raise TimeoutError("the edge did not become ready")


async def run(args: argparse.Namespace, nats_address: str, redis_address: str,
              workdir: Path) -> dict:
    emu_settings = TelegramEmulatorSettings(flood_limit_per_s=30, flood_per_chat_per_s=1,
                                            flood_per_chat_burst=2, strict_chats=False)
    token = f"{secrets.randbelow(10**9) + 10**9}:{secrets.token_urlsafe(26)[:35]}"
    secret = secrets.token_urlsafe(24)
    port = free_port()
    edge_url = f"http://127.0.0.1:{port}"
    async with serve(create_app(emu_settings)) as emulator, \
            httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=400)) as client:
        env = {**os.environ,
               "EDGE_TELEGRAM_BOT_TOKEN": token, "EDGE_TELEGRAM_API_BASE": emulator.url,
               "EDGE_WEBHOOK_URL": f"{edge_url}/telegram/webhook",
               "EDGE_WEBHOOK_SECRET": secret, "NECTAR_NATS_URL": nats_address,
               "NECTAR_REDIS_URL": redis_address, "NECTAR_SERVICE_HTTP_PORT": str(port),
               "NECTAR_LOG_LEVEL": "WARNING"}
        edge_log = (workdir / "edge.log").open("w")
        # started once, before the load is measured. `--layout split`: an intake process
        # (the one measured) and a worker process, as operators should run them
        roles = ["intake", "worker"] if args.layout == "split" else ["all"]
        procs = []
        for role in roles:
            role_env = {**env, "EDGE_ROLE": role}
            if role == "worker":
                role_env["NECTAR_SERVICE_HTTP_PORT"] = str(free_port())
            procs.append(subprocess.Popen(  # noqa: ASYNC220
                [sys.executable, "-m", "nectar_edge"], env=role_env, stdout=edge_log,
                stderr=subprocess.STDOUT))
        proc = procs[0]
        try:
            await wait_ready(client, edge_url, proc)
            # let the webhook registration land before measuring
            await asyncio.sleep(1.0)
            # the load generator: aiohttp costs far less CPU per request than httpx
            connector = aiohttp.TCPConnector(limit=400)
            async with aiohttp.ClientSession(connector=connector) as load:
                return await measure(args, client, load, edge_url, emulator.url, token,
                                     secret, nats_address, redis_address)
        finally:
            for each in procs:
                each.terminate()
            for each in procs:
                try:
                    each.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    each.kill()
            edge_log.close()
            errors: dict[str, int] = {}
            for line in (workdir / "edge.log").read_text().splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("level") in ("error", "warning"):
                    exc = (entry.get("exc") or "").strip().splitlines()[-1:] or [""]
                    key = f"{entry.get('logger')}: {entry.get('msg', '')[:80]} {exc[0][:120]}"
                    errors[key] = errors.get(key, 0) + 1
            for key, n in sorted(errors.items(), key=lambda kv: -kv[1])[:8]:
                log(f"edge log: {n} x {key}")


async def measure(args: argparse.Namespace, client: httpx.AsyncClient,
                  load: aiohttp.ClientSession, edge_url: str,
                  emu: str, token: str, secret: str, nats_address: str,
                  redis_address: str) -> dict:
    count = int(args.rate * args.seconds)
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
    base_user = 7_000_000_000 + secrets.randbelow(10**8)
    base_update = secrets.randbelow(10**8)

    # warm-up (connections, scripts, JetStream), not measured
    await offered(args.rate, min(100, count), lambda i: post(load, edge_url, headers,
                                                             update(base_user - 1 - i,
                                                                    base_update - 1 - i,
                                                                    "warm up")))
    log(f"inbound: {count} updates at {args.rate}/s")
    started = time.perf_counter()
    latencies = await offered(args.rate, count, lambda i: post(
        load, edge_url, headers, update(base_user + i, base_update + i, f"bench {i}")))
    elapsed = time.perf_counter() - started
    accepted = len(latencies)
    # the updates are handled by the bus consumers after the ack: wait until every accepted
    # one was (each text turn shows one chat action), so the phases do not overlap
    redis = Redis.from_url(redis_address, decode_responses=True)
    bot_id = int(token.split(":")[0])
    deadline = time.monotonic() + args.outbound_timeout
    done = 0
    while time.monotonic() < deadline:
        keys = [k async for k in redis.scan_iter(f"edge:update:{bot_id}:*", count=1000)]
        done = sum(1 for v in await redis.mget(keys) if v == "done") if keys else 0
        if done >= accepted + min(100, count):
            break
        await asyncio.sleep(0.25)
    await redis.aclose()
    handled_elapsed = time.perf_counter() - started
    log(f"baseline: GET /healthz at {args.rate}/s")
    baseline = await offered(args.rate, count, lambda i: health(load, edge_url))

    log(f"outbound: {args.replies_per_user} replies to each of {args.chats} chats")
    await client.delete(f"{emu}/_emulator/bots/{token}/calls")
    nc = await nats.connect(nats_address)
    js = nc.jetstream()
    users = [base_user + i for i in range(args.chats)]
    replies = [ReplyReady.new(producer="bench", user_id=u, chat_id=u, character="luna",
                              session="1", text=f"reply {n} to {u}", language="en",
                              reply_mode="text", model="bench", attempt=0)
               for n in range(args.replies_per_user) for u in users]
    out_start = time.perf_counter()
    for reply in replies:
        await js.publish(reply.subject, reply.model_dump_json().encode(), stream=reply.stream,
                         headers={"Nats-Msg-Id": str(reply.event_id)})
    await nc.close()
    expected = {r.text for r in replies}
    delivered: list[str] = []
    statuses: list[int] = []
    deadline = time.monotonic() + args.outbound_timeout
    while time.monotonic() < deadline:
        calls = (await client.get(f"{emu}/_emulator/bots/{token}/calls",
                                  params={"method": "sendMessage"})).json()["calls"]
        statuses = [c["response_status"] for c in calls]
        delivered = [c["params"]["text"] for c in calls if c["response_status"] == 200]
        if len(delivered) >= len(replies):
            break
        await asyncio.sleep(0.25)
    out_elapsed = time.perf_counter() - out_start
    missing = len(expected - set(delivered))
    duplicates = len(delivered) - len(set(delivered))
    p99, base_p99 = pct(latencies, 0.99), pct(baseline, 0.99)
    return {
        "bench": "edge_webhook",
        "layout": args.layout,
        "offered_per_s": args.rate,
        "accepted_per_s": round(accepted / elapsed, 1),
        "accepted": accepted, "offered": count,
        "handled_per_s": round(max(0, done - min(100, count)) / handled_elapsed, 1),
        "ack_p50_ms": round(pct(latencies, 0.50), 2),
        "ack_p99_ms": round(p99, 2),
        "baseline_ack_p99_ms": round(base_p99, 2),
        "ack_p99_ratio": round(p99 / base_p99, 2) if base_p99 else None,
        "target_ack_p99_ms": TARGET_P99_MS,
        "meets_target": p99 <= TARGET_P99_MS,
        "outbound_messages": len(replies),
        "outbound_delivered": len(set(delivered) & expected),
        "outbound_per_s": round(len(delivered) / out_elapsed, 1),
        "telegram_429": statuses.count(429),
        "user_visible_429": missing + duplicates,
    }


async def post(load: aiohttp.ClientSession, url: str, headers: dict, body: dict) -> bool:
    """One webhook delivery; a failed or refused one is not accepted (not counted)."""
    try:
        async with load.post(f"{url}/telegram/webhook", json=body, headers=headers) as resp:
            await resp.read()
            return resp.status == 200
    except aiohttp.ClientError:
        return False


async def health(load: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with load.get(f"{url}/healthz") as resp:
            await resp.read()
            return resp.status == 200
    except aiohttp.ClientError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200.0, help="updates offered per s")
    parser.add_argument("--layout", choices=["split", "single"], default="split",
                        help="split: an intake process (measured) and a worker process "
                        "(EDGE_ROLE=intake/worker); single: one process does both")
    parser.add_argument("--seconds", type=float, default=5.0, help="inbound duration, s")
    parser.add_argument("--chats", type=int, default=60, help="chats replied to")
    parser.add_argument("--replies-per-user", type=int, default=3,
                        help="replies per chat (several: the per-chat limit applies)")
    parser.add_argument("--outbound-timeout", type=float, default=60.0,
                        help="how long to wait for every reply to be sent, s")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nectar-bench-edge-") as tmp:
        log("starting NATS and Redis")
        stack, config = start_stack(Path(tmp), ["nats", "redis"])
        try:
            result = asyncio.run(run(args, nats_url(config), redis_url(config), Path(tmp)))
        finally:
            stack.down()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
