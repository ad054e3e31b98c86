"""Router overhead: latency the llm service adds over a direct httpx call to the same model.

What it measures
  Against one OpenRouter emulator (its own process, answers at once), at 50 requests/s for
  each side, interleaved in the same run:
  * direct: a plain `httpx` POST of a chat completion (same model, a prompt of the same size)
    and reading its JSON;
  * service: the llm service's reply handler (`generate_reply`) for a `chat.context_ready`:
    routing-file lookup, content gating, the cost guard (Redis), the 429 cooldown lookup
    (Redis), prompt assembly, the OpenRouter adapter, refusal check and salvage, telemetry
    (span, metrics, log line), spend recording (Redis), building the reply events.
  Added latency = service percentile - direct percentile (p50 and p99; the keys named by the
  issue). For insight into noise, `paired_added_*` are percentiles of the differences of
  pairs sent 10 ms apart. Both sides send the
  same request body (JSON answers, `LLM_STREAM=false`, so the direct side needs no SSE
  parser). NATS transport is not included: it is the same for every service
  (bench/turn_overhead.py measures it).

Runs self-contained: a throwaway redis-server and emulator on free ports.
Its last line is one JSON object:
  {"bench": "router_overhead", "added_p50_ms", "added_p99_ms", "direct_p50_ms",
   "direct_p99_ms", "service_p50_ms", "service_p99_ms", "paired_added_p50_ms",
   "paired_added_p99_ms", "rate", "requests"}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from nectar_contracts import ContextReady, ReplyReady
from nectar_llm.bootstrap import build_deps
from nectar_llm.domain.characters import CharacterCatalog
from nectar_llm.domain.model import ChatRequest
from nectar_llm.domain.prompt import build_reply_prompt
from nectar_llm.handlers import end_user, generate_reply
from nectar_llm.settings import LlmSettings
from nectar_runtime import InfraSettings
from nectar_runtime.testing import free_port
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry

MODEL = "bench-a/router-model"
KEY = "bench-key"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def routing() -> str:
    chain = json.dumps([MODEL, "bench-b/fallback"])
    out = ["version = 1", "", '[models."bench-r/her"]', "stay_in_character = true", ""]
    for plan in ("free", "basic", "premium", "vip", "elite"):
        out += [f"[tiers.{plan}]", "max_tokens = 200", "rescue = true", "",
                f"[tiers.{plan}.routes]",
                f"natural = {chain}", f"instant = {chain}", f"explicit = {chain}", ""]
    out += ["[rescue]", 'models = ["bench-r/her"]', 'stay_in_character_prefix = "x"', "",
            "[summary]", f"models = {chain}", "max_tokens = 100", ""]
    return "\n".join(out)


async def run(rate: float, count: int, tmp: Path) -> dict:
    redis_port, emu_port = free_port(), free_port()
    redis = subprocess.Popen([shutil.which("redis-server") or "/usr/bin/redis-server",
                              "--port", str(redis_port), "--save", "", "--appendonly", "no",
                              "--dir", str(tmp)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    emulator = subprocess.Popen(
        [sys.executable, "-m", "nectar_emulators.openrouter", "--port", str(emu_port),
         "--log-level", "warning"], env={**os.environ, "OREMU_API_KEY": KEY},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(redis_port)
        wait_port(emu_port)
        path = tmp / "routing.toml"
        path.write_text(routing())
        settings = LlmSettings(
            infra=InfraSettings(redis_url=f"redis://127.0.0.1:{redis_port}/0"),
            openrouter_base_url=f"http://127.0.0.1:{emu_port}/api/v1",
            openrouter_api_key=KEY, routing_file=path, global_daily_budget_usd=1e9,
            user_daily_budget_usd=1e9, stream=False)
        deps = build_deps(settings, tracer=TracerProvider().get_tracer("bench"),
                          registry=CollectorRegistry())
        for dep in (deps.chat_model, deps.cost_guard, deps.cooldowns):
            await dep.start()
        luna = CharacterCatalog().get("luna")
        text = "What can we see tonight?"
        messages = build_reply_prompt(luna, text=text, language="en", recent=[])
        # Byte for byte what the service sends (cache marker, `user`), so the emulator does
        # the same work for both sides.
        body = deps.chat_model.request_body(ChatRequest(
            model=MODEL, messages=messages, max_tokens=200, temperature=0.9,
            user=end_user(1, "luna", "1")))
        direct_client = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{emu_port}/api/v1",
            headers={"Authorization": f"Bearer {KEY}"}, timeout=10)

        async def direct() -> float:
            started = time.perf_counter()
            response = await direct_client.post("chat/completions", json=body)
            response.json()
            assert response.status_code == 200
            return (time.perf_counter() - started) * 1000

        async def service(i: int) -> float:
            event = ContextReady.new(producer="bench", user_id=1, chat_id=1,
                                     character="luna", session="1", text=text,
                                     language="en", plan="premium", reply_mode="text",
                                     recent=[])
            started = time.perf_counter()
            [reply] = await generate_reply(event, deps)
            elapsed = (time.perf_counter() - started) * 1000
            assert isinstance(reply, ReplyReady), reply
            return elapsed

        log("warm-up")
        for i in range(50):
            await direct()
            await service(i)
        direct_ms: list[float] = [0.0] * count
        service_ms: list[float] = [0.0] * count

        async def timed(coro, into: list[float], i: int) -> None:
            into[i] = await coro

        log(f"{count} requests per side at {rate}/s each, interleaved")
        tasks = []
        start = time.perf_counter()
        for i in range(count):
            target = start + i / rate
            delay = target - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(timed(direct(), direct_ms, i)))
            await asyncio.sleep(0.5 / rate)
            tasks.append(asyncio.create_task(timed(service(100 + i), service_ms, i)))
        await asyncio.gather(*tasks)
        await direct_client.aclose()
        for dep in (deps.chat_model, deps.cost_guard, deps.cooldowns):
            await dep.close()
    finally:
        for proc in (emulator, redis):
            proc.terminate()
            proc.wait(10)
    d50, d99 = pct(direct_ms, 0.5), pct(direct_ms, 0.99)
    s50, s99 = pct(service_ms, 0.5), pct(service_ms, 0.99)
    paired = [sv - dv for sv, dv in zip(service_ms, direct_ms, strict=True)]
    log(f"direct p50 {d50:.2f} p99 {d99:.2f} ms; service p50 {s50:.2f} p99 {s99:.2f} ms; "
        f"paired differences p50 {pct(paired, 0.5):.2f} p99 {pct(paired, 0.99):.2f} ms")
    return {"bench": "router_overhead", "added_p50_ms": round(s50 - d50, 3),
            "added_p99_ms": round(s99 - d99, 3), "direct_p50_ms": round(d50, 3),
            "direct_p99_ms": round(d99, 3), "service_p50_ms": round(s50, 3),
            "service_p99_ms": round(s99, 3), "paired_added_p50_ms": round(pct(paired, 0.5), 3),
            "paired_added_p99_ms": round(pct(paired, 0.99), 3), "rate": rate,
            "requests": count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="requests/s per side")
    parser.add_argument("--count", type=int, default=1000, help="requests per side")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the per-call log lines are measured, not printed
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run(args.rate, args.count, Path(tmp)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
