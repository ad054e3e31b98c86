"""Turn overhead: text turns through the whole stack vs. the raw JetStream floor.

What it measures
  * For each offered rate (default 10, 50, 100 turns/s) it posts Telegram updates to the
    edge webhook at that rate, each from a different user, and measures the latency from
    "update in" (the webhook POST) to "sendMessage out" (the Bot API emulator's record of
    the call), plus the achieved throughput (turns answered per second of the run).
    The OpenRouter emulator answers at once, so what is left is Nectar's own overhead:
    edge -> memory (Redis + Chroma) -> llm (HTTP to the emulator) -> edge, over JetStream.
  * In the same run, the floor: the same three hops (publish -> durable pull consumer ->
    publish) with raw nats-py on the same NATS server, at the same rates.

Where it runs
  By default it starts its own throwaway stack (temp data dir, free ports) so benchmark
  users never mix with real data, and stops it afterwards. `--running` uses the stack
  started by `make up` instead (its data then holds the benchmark users, ids >= --user-base).

  * What a turn costs: CPU time of every component (read from /proc for the component's
    process and all its descendants, children that exited included), per answered turn, for
    each rate; the headline `cpu_ms_per_turn` is the one of the rate closest to 10 turns/s.
    `idle_cpu_ms_per_s` is what the whole stack burns doing nothing (measured before the load).
  * The saturation point: the highest offered rate answered at >= 95% of the offer with a
    p99 under 1 s.

Its last line is one JSON object:
  {"bench": "turn_overhead", "rates": [{"offered", "achieved", "p50_ms", "p99_ms",
   "answered", "sent", "refused" (webhook POSTs that failed: past saturation),
   "cpu_ms_per_turn": {"total", "<component>"...}}...],
   "cpu_ms_per_turn": {"total", "<component>"...}, "saturation_turns_per_s",
   "idle_cpu_ms_per_s", "floor_p50_ms", "floor_p99_ms", "floor_rates": [...]}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

import httpx
import nats
from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig

from nectar_devstack import proc
from nectar_devstack.config import StackConfig
from nectar_devstack.stack import Stack

_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int, with_dead_children: bool) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # fields[11..14] = utime, stime, cutime, cstime (after the state field at index 0)
    ticks = int(fields[11]) + int(fields[12])
    if with_dead_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / _TICK


def cpu_by_component(stack: Stack) -> dict[str, float]:
    """CPU seconds used so far by each component: its process, its live descendants, and the
    children it has reaped."""
    out = {}
    for name, pid in stack.pids().items():
        out[name] = _cpu_s(pid, True) + sum(_cpu_s(child, False)
                                            for child in proc.descendants(pid))
    return out


def cpu_per_turn(before: dict[str, float], after: dict[str, float],
                 turns: int) -> dict[str, float]:
    turns = max(turns, 1)
    per = {name: round((after.get(name, 0.0) - before.get(name, 0.0)) * 1000 / turns, 2)
           for name in after}
    per = {name: ms for name, ms in sorted(per.items(), key=lambda kv: -kv[1])}
    return {"total": round(sum(per.values()), 2), **per}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


async def offered_load(rate: float, count: int, send) -> list[asyncio.Task]:
    """Fire `send(i)` at a fixed rate (open loop: does not wait for answers)."""
    tasks = []
    start = time.perf_counter()
    for i in range(count):
        target = start + i / rate
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(i)))
    return tasks


async def stack_rate(client: httpx.AsyncClient, webhook: str, secret: str, emu: str, token: str,
                     rate: float, seconds: float, user_base: int, wait_s: float,
                     stack: Stack | None = None) -> dict:
    count = max(int(rate * seconds), 1)
    run = uuid.uuid4().hex[:6]
    sent_at: dict[int, float] = {}
    refused: list[str] = []
    await client.delete(f"{emu}/_emulator/bots/{token}/calls")
    base_update = int(time.time() * 1000) % 1_000_000_000

    async def send(i: int) -> None:
        user = user_base + i
        update = {"update_id": base_update + i, "message": {
            "message_id": 1, "date": int(time.time()), "text": f"bench {run} {i}",
            "chat": {"id": user, "type": "private", "first_name": "Bench"},
            "from": {"id": user, "is_bot": False, "first_name": "Bench",
                     "language_code": "en"}}}
        sent_at[user] = time.time()
        try:
            resp = await client.post(webhook, json=update,
                                     headers={"X-Telegram-Bot-Api-Secret-Token": secret})
            resp.raise_for_status()
        except httpx.HTTPError as exc:  # past saturation: a refused update is not answered
            refused.append(f"{type(exc).__name__}")
            sent_at.pop(user, None)

    # Telegram only lets a bot write to users who wrote first: introduce the users to the
    # emulator (not timed) so that sendMessage to them succeeds.
    sem = asyncio.Semaphore(32)

    async def introduce(i: int) -> None:
        async with sem:
            await client.post(f"{emu}/_emulator/bots/{token}/users/{user_base + i}/block",
                              json={"blocked": False})

    await asyncio.gather(*(introduce(i) for i in range(count)))
    cpu_before = cpu_by_component(stack) if stack is not None else {}
    t0 = time.time()
    tasks = await offered_load(rate, count, send)
    await asyncio.gather(*tasks)
    answered: dict[int, float] = {}
    deadline = time.time() + wait_s
    while time.time() < deadline and len(answered) < count - len(refused):
        await asyncio.sleep(0.5)
        calls = (await client.get(f"{emu}/_emulator/bots/{token}/calls",
                                  params={"method": "sendMessage"})).json()
        for call in calls.get("calls", calls if isinstance(calls, list) else []):
            chat = int(call["params"].get("chat_id", 0))
            if chat in sent_at and chat not in answered:
                at = call["at"]
                answered[chat] = (datetime.fromisoformat(at).timestamp()
                                  if isinstance(at, str) else float(at))
    latencies = [(answered[u] - sent_at[u]) * 1000 for u in answered]
    last = max(answered.values(), default=t0)
    out = {"offered": rate, "sent": count, "refused": len(refused), "answered": len(answered),
           "achieved": round(len(answered) / max(last - t0, 1e-9), 2),
           "p50_ms": round(pct(latencies, 0.5), 2), "p99_ms": round(pct(latencies, 0.99), 2)}
    if stack is not None:
        await asyncio.sleep(1.0)  # the turn's tail (reply delivered, memory appends) ends
        out["cpu_ms_per_turn"] = cpu_per_turn(cpu_before, cpu_by_component(stack),
                                              len(answered))
    return out


def saturation(results: list[dict]) -> float | None:
    """The highest offered rate answered at >= 95% of the offer with p99 under 1 s."""
    good = [r["offered"] for r in results
            if r["answered"] >= 0.95 * r["sent"] and r["achieved"] >= 0.95 * r["offered"]
            and r["p99_ms"] < 1000]
    return max(good) if good else None


async def floor_rate(nats_url: str, rate: float, seconds: float) -> dict:
    """Three hops of publish -> durable pull consumer -> publish with raw nats-py."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    stream = f"BENCHFLOOR_{uuid.uuid4().hex[:6].upper()}"
    await js.add_stream(StreamConfig(name=stream, subjects=[f"{stream.lower()}.>"],
                                     storage=StorageType.FILE))
    prefix = stream.lower()
    count = max(int(rate * seconds), 1)
    sent: dict[str, float] = {}
    done: dict[str, float] = {}
    finished = asyncio.Event()

    async def hop(src: int, dst: int | None) -> None:
        sub = await js.pull_subscribe(f"{prefix}.h{src}", durable=f"h{src}",
                                      config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT))
        while not finished.is_set():
            try:
                msgs = await sub.fetch(64, timeout=0.5)
            except nats.errors.TimeoutError:
                continue
            for m in msgs:
                key = m.data.decode()
                if dst is None:
                    done[key] = time.time()
                    if len(done) >= count:
                        finished.set()
                else:
                    await js.publish(f"{prefix}.h{dst}", m.data, headers={
                        "Nats-Msg-Id": f"{key}-{dst}"})
                await m.ack()

    workers = [asyncio.create_task(hop(1, 2)), asyncio.create_task(hop(2, 3)),
               asyncio.create_task(hop(3, None))]
    await asyncio.sleep(0.3)

    async def send(i: int) -> None:
        key = f"t{i}"
        sent[key] = time.time()
        await js.publish(f"{prefix}.h1", key.encode(), headers={"Nats-Msg-Id": key})

    tasks = await offered_load(rate, count, send)
    await asyncio.gather(*tasks)
    try:
        await asyncio.wait_for(finished.wait(), timeout=30)
    except TimeoutError:
        pass
    finished.set()
    await asyncio.gather(*workers, return_exceptions=True)
    await js.delete_stream(stream)
    await nc.close()
    latencies = [(done[k] - sent[k]) * 1000 for k in done]
    return {"offered": rate, "p50_ms": round(pct(latencies, 0.5), 3),
            "p99_ms": round(pct(latencies, 0.99), 3), "answered": len(done)}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", default="10,50,100", help="offered turns/s, comma list")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each rate")
    parser.add_argument("--running", action="store_true",
                        help="use the stack started by `make up` instead of a throwaway one")
    parser.add_argument("--user-base", type=int, default=0,
                        help="first Telegram user id used (default: random high range)")
    parser.add_argument("--wait", type=float, default=60.0,
                        help="seconds to wait for the last answers of a rate")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]

    tmp = None
    if args.running:
        stack = Stack(StackConfig.from_env())
    else:
        tmp = tempfile.TemporaryDirectory(prefix="nectar-bench-")
        log(f"starting a throwaway stack in {tmp.name} ...")
        stack = Stack(StackConfig.free_ports(Path(tmp.name)))
        stack.up(wait=True, timeout=180)
    try:
        config = stack.config
        env = stack.env()
        webhook = f"http://{config.host}:{config.service_ports['telegram_edge']}/telegram/webhook"
        emu = f"http://{config.host}:{config.telegram_emulator_port}"
        token = env["EDGE_TELEGRAM_BOT_TOKEN"]
        secret = env["EDGE_WEBHOOK_SECRET"]
        nats_url = env["NECTAR_NATS_URL"]
        user_base = args.user_base or 5_000_000_000 + int(time.time()) % 1_000_000 * 1000
        results = []
        async with httpx.AsyncClient(timeout=30,
                                     limits=httpx.Limits(max_connections=200)) as client:
            # warm-up: first turn pays connection set-up in every service
            await stack_rate(client, webhook, secret, emu, token, 2, 1, user_base, args.wait)
            user_base += 10
            idle_before = cpu_by_component(stack)
            await asyncio.sleep(5.0)
            idle = cpu_per_turn(idle_before, cpu_by_component(stack), 5)  # per second
            log(f"idle: {idle['total']} ms of CPU per second")
            for rate in rates:
                log(f"stack: {rate:g} turns/s for {args.seconds:g} s ...")
                res = await stack_rate(client, webhook, secret, emu, token, rate, args.seconds,
                                       user_base, args.wait, stack)
                user_base += res["sent"] + 10
                log(f"  {res}")
                results.append(res)
        floors = []
        for rate in rates:
            log(f"floor: {rate:g} msgs/s through 3 raw JetStream hops ...")
            floors.append(await floor_rate(nats_url, rate, args.seconds))
            log(f"  {floors[-1]}")
    finally:
        if tmp is not None:
            stack.down()
            tmp.cleanup()
    floor_lat_p50 = statistics.median(f["p50_ms"] for f in floors)
    floor_lat_p99 = max(f["p99_ms"] for f in floors)
    headline = min(results, key=lambda r: abs(r["offered"] - 10))
    print(json.dumps({"bench": "turn_overhead", "rates": results,
                      "cpu_ms_per_turn": headline.get("cpu_ms_per_turn"),
                      "cpu_rate": headline["offered"],
                      "saturation_turns_per_s": saturation(results),
                      "idle_cpu_ms_per_s": idle["total"],
                      "floor_p50_ms": floor_lat_p50, "floor_p99_ms": floor_lat_p99,
                      "floor_rates": floors}))


if __name__ == "__main__":
    asyncio.run(main())
