"""Chaos runs: turns through a throwaway stack while one component is killed and restarted.

Each fault is one round on the same stack: `turns` text turns, one per new Telegram user, are
sent through the Telegram emulator (which, like Telegram, retries a webhook that does not
answer 2xx) at `rate` per second; a third of the way in the fault strikes (`kill -9` of a
service, of Postgres or of one NATS node; Redis stopped for `redis_down_s`), and the component
is started again after `down_s`. Then the round waits until every turn is answered or the
settle time has passed, and counts the messages the bot sent to each user: exactly one is
`answered_once`, none is `lost`, more than one is `duplicated`.

The stack runs a 3-node NATS cluster with every stream at 3 replicas, and a short ack wait
(handlers are heartbeated, so a short ack wait only means a dead replica's messages come back
sooner).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from .config import StackConfig
from .stack import Stack
from .testing import _quiet_down

log = logging.getLogger("nectar_devstack.chaos")

#: every fault a full run injects, in order
FAULTS: tuple[str, ...] = ("edge", "memory", "llm", "billing", "redis", "postgres",
                           "nats_node")
#: the subset `make test` runs
SHORT_FAULTS: tuple[str, ...] = ("memory", "nats_node")
#: fault -> the stack component it kills
COMPONENT = {"edge": "telegram_edge", "memory": "memory", "llm": "llm", "billing": "billing",
             "redis": "redis", "postgres": "postgres"}
#: services a text turn does not need (not started: a quieter machine, a faster run)
NOT_ON_THE_TEXT_PATH = ("media", "voice", "comfyui_emulator_a", "comfyui_emulator_b",
                        "inworld_emulator")


@dataclass
class FaultResult:
    sent: int
    answered_once: int = 0
    lost: int = 0
    duplicated: int = 0
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "answered_once": self.answered_once, "lost": self.lost,
                "duplicated": self.duplicated, **self.detail}


@dataclass
class ChaosRun:
    stack: Stack
    turns: int = 40
    rate: float = 4.0
    down_s: float = 5.0
    redis_down_s: float = 30.0
    settle_s: float = 120.0
    user_base: int = 7_100_000_000
    _round: int = 0

    @property
    def config(self) -> StackConfig:
        return self.stack.config

    @property
    def emulator(self) -> str:
        return f"http://{self.config.host}:{self.config.telegram_emulator_port}"

    @property
    def token(self) -> str:
        return self.stack.env()["EDGE_TELEGRAM_BOT_TOKEN"]

    async def run(self, faults: Sequence[str]) -> dict[str, dict[str, Any]]:
        results: dict[str, dict[str, Any]] = {}
        async with httpx.AsyncClient(timeout=30) as http:
            for fault in faults:
                log.info("chaos round: %s", fault)
                results[fault] = (await self.round(http, fault)).to_dict()
                log.info("chaos round %s: %s", fault, results[fault])
        return results

    async def round(self, http: httpx.AsyncClient, fault: str) -> FaultResult:
        self._round += 1
        users = [self.user_base + self._round * 100_000 + i for i in range(self.turns)]
        strike_at = self.turns // 3
        fault_task: asyncio.Task[dict[str, Any]] | None = None
        sends: list[asyncio.Task[None]] = []
        started = time.perf_counter()
        for i, user in enumerate(users):
            await asyncio.sleep(max(0.0, started + i / self.rate - time.perf_counter()))
            if i == strike_at:
                fault_task = asyncio.create_task(self.inject(fault))
            sends.append(asyncio.create_task(self.send(http, user, f"chaos {fault} turn {i}")))
        await asyncio.gather(*sends)
        detail = await fault_task if fault_task is not None else {}
        counts = await self.settle(http, users)
        result = FaultResult(sent=len(users), detail=detail)
        for user in users:
            n = counts.get(user, 0)
            if n == 0:
                result.lost += 1
            elif n == 1:
                result.answered_once += 1
            else:
                result.duplicated += 1
        return result

    async def send(self, http: httpx.AsyncClient, user: int, text: str) -> None:
        """The user writes to the bot; the emulator queues the update and delivers it to the
        webhook, retrying as Telegram does while the edge does not answer."""
        resp = await http.post(
            f"{self.emulator}/_emulator/bots/{self.token}/users/{user}/messages",
            json={"text": text, "first_name": "Chaos", "language_code": "en"})
        resp.raise_for_status()

    async def counts(self, http: httpx.AsyncClient) -> Counter[int]:
        resp = await http.get(f"{self.emulator}/_emulator/bots/{self.token}/calls",
                              params={"method": "sendMessage", "status": "200"})
        resp.raise_for_status()
        return Counter(int(call["params"]["chat_id"]) for call in resp.json()["calls"])

    async def settle(self, http: httpx.AsyncClient, users: Sequence[int]) -> Counter[int]:
        """Wait until every user has an answer (then a little longer, for duplicates that
        would come with a redelivery), or the settle time is over."""
        deadline = time.monotonic() + self.settle_s
        wanted = set(users)
        while True:
            counts = await self.counts(http)
            if all(counts.get(u, 0) >= 1 for u in wanted) or time.monotonic() > deadline:
                break
            await asyncio.sleep(1.0)
        # a duplicate would be a redelivery of a reply whose record was lost: give it an ack
        # wait to show up
        ack_wait = float(self.config.extra_env.get("NECTAR_ACK_WAIT_S", "10"))
        await asyncio.sleep(min(ack_wait + 5, max(0.0, deadline - time.monotonic()) + 5))
        return await self.counts(http)

    # -- faults -------------------------------------------------------------------

    async def inject(self, fault: str) -> dict[str, Any]:
        if fault == "nats_node":
            component = await self._chat_stream_leader()
        else:
            component = COMPONENT[fault]
        down = self.redis_down_s if fault == "redis" else self.down_s
        await asyncio.to_thread(self.kill, component)
        await asyncio.sleep(down)
        restarted = time.monotonic()
        await asyncio.to_thread(Stack(self.config, [component]).up, True, 180)
        return {"component": component, "down_s": down,
                "restart_s": round(time.monotonic() - restarted, 1)}

    def kill(self, component: str) -> None:
        """`kill -9` the component's whole process group (no goodbye, no flush)."""
        pid = self.stack.pids().get(component)
        if pid is None:
            raise RuntimeError(f"{component} is not running")
        try:
            os.killpg(os.getpgid(pid), signal.SIGKILL)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and component in self.stack.pids():
            time.sleep(0.05)
        log.info("killed %s (pid %s)", component, pid)

    async def _chat_stream_leader(self) -> str:
        """The NATS node leading the CHAT stream (the nastiest one to lose)."""
        import nats

        from .testing import nats_url

        nc = await nats.connect(nats_url(self.config).split(","))
        try:
            info = await nc.jetstream().stream_info("CHAT")
            leader = info.cluster.leader if info.cluster else None
        finally:
            await nc.close()
        return (leader or "nats").replace("-", "_")


def start_chaos_stack(data_dir: Path | str | None = None, ack_wait_s: float = 10,
                      timeout: float = 240) -> Stack:
    """A throwaway full stack (free ports) on a 3-node NATS cluster, without media and
    voice."""
    from .config import ALL_COMPONENTS

    data_dir = Path(data_dir or tempfile.mkdtemp(prefix="nectar-chaos-"))
    config = StackConfig.free_ports(data_dir, nats_cluster=3, extra_env={
        "NECTAR_ACK_WAIT_S": str(ack_wait_s), "NECTAR_BACKOFF_MAX_S": "5"})
    stack = Stack(config, [c for c in ALL_COMPONENTS if c not in NOT_ON_THE_TEXT_PATH])
    try:
        stack.up(wait=True, timeout=timeout)
    except BaseException:
        _quiet_down(stack)
        raise
    return stack


def summary(results: dict[str, dict[str, Any]]) -> str:
    return json.dumps({"bench": "chaos", "faults": results})
