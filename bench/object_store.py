"""Object store client benchmark: the S3 client the services use (`S3ObjectStore`, obstore)
against the one it replaced (aiobotocore), side by side, on the local stack's real S3 API
(SeaweedFS, started for the run).

What it measures, per client and per call (PUT and GET of an object the size of a voice
message, HEAD, and the voice cache hit's pair GET + PUT): wall-clock p50/p99 in ms, and the
client's CPU per call (this process's CPU time: signing, hooks, parsing, HTTP; SeaweedFS's
own CPU is not in it). Rounds alternate the clients so that load changes hit both alike.

Timing figures are noisy on a shared machine; run it alone when comparing.
    .venv/bin/python bench/object_store.py [--calls 300] [--rounds 2] [--size 40000]
Last stdout line: one JSON object
  {"bench": "object_store", "size_bytes", "calls", "load_average",
   "clients": {"obstore" | "aiobotocore": {"<call>": {"p50_ms", "p99_ms", "cpu_ms"}}},
   "cpu_ratio": {"<call>": aiobotocore cpu / obstore cpu}}
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
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from nectar_devstack.testing import start_stack
from nectar_runtime.objectstore import S3ObjectStore, S3Settings
from pydantic import SecretStr

CALLS = ("put", "get", "head", "get_then_put")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class Botocore:
    """The previous adapter's calls: aiobotocore, path-style, as `S3ObjectStore` made them."""

    def __init__(self, settings: S3Settings, bucket: str) -> None:
        self.settings, self.bucket = settings, bucket
        self._client: Any = None
        self._exit: Any = None

    async def start(self) -> None:
        from aiobotocore.config import AioConfig
        from aiobotocore.session import get_session

        s = self.settings
        assert s.access_key_id is not None and s.secret_access_key is not None
        context = get_session().create_client(
            "s3", endpoint_url=s.url, region_name=s.region,
            aws_access_key_id=s.access_key_id.get_secret_value(),
            aws_secret_access_key=s.secret_access_key.get_secret_value(),
            config=AioConfig(s3={"addressing_style": "path"}, retries={"max_attempts": 2}))
        self._client = await context.__aenter__()
        self._exit = context.__aexit__

    async def close(self) -> None:
        await self._exit(None, None, None)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self._client.put_object(Bucket=self.bucket, Key=key, Body=data,
                                      ContentType=content_type)

    async def get(self, key: str) -> bytes:
        response = await self._client.get_object(Bucket=self.bucket, Key=key)
        async with response["Body"] as body:
            return await body.read()

    async def exists(self, key: str) -> bool:
        await self._client.head_object(Bucket=self.bucket, Key=key)
        return True


class Obstore:
    """`S3ObjectStore` as the services run it."""

    def __init__(self, store: S3ObjectStore) -> None:
        self.store = store

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self.store.put(key, data, content_type)

    async def get(self, key: str) -> bytes:
        return (await self.store.get(key)).data

    async def exists(self, key: str) -> bool:
        return await self.store.exists(key)


async def measure(call: Callable[[int], Awaitable[Any]],
                  calls: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for index in range(calls):
        wall, cpu = time.perf_counter(), time.process_time()
        await call(index)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return walls, cpus


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[int(q * (len(ordered) - 1))], 2)


async def run(calls: int, rounds: int, size: int) -> dict[str, Any]:
    data = os.urandom(size)
    with tempfile.TemporaryDirectory(prefix="nectar-bench-s3-") as tmp:
        stack, config = start_stack(Path(tmp), ["s3"])
        try:
            key_id, secret = stack.s3_credentials()
            settings = S3Settings(url=f"http://{config.host}:{config.s3_port}",
                                  access_key_id=SecretStr(key_id),
                                  secret_access_key=SecretStr(secret))
            bucket = f"bench-{uuid.uuid4().hex[:8]}"
            store = S3ObjectStore(settings, bucket)
            await store.start()  # makes the bucket
            boto = Botocore(settings, bucket)
            await boto.start()
            clients: dict[str, Any] = {"obstore": Obstore(store), "aiobotocore": boto}
            await store.put("cache/shared.ogg", data, "audio/ogg")
            walls: dict[tuple[str, str], list[float]] = defaultdict(list)
            cpus: dict[tuple[str, str], list[float]] = defaultdict(list)
            try:
                for round_no in range(rounds):
                    for name, client in clients.items():
                        async def get_then_put(i: int, client: Any = client,
                                               name: str = name) -> None:
                            shared = await client.get("cache/shared.ogg")
                            await client.put(f"users/{i}/{name}-copy.ogg", shared,
                                             "audio/ogg")

                        steps: dict[str, Callable[[int], Awaitable[Any]]] = {
                            "put": lambda i, c=client, n=name: c.put(
                                f"users/{i}/{n}.ogg", data, "audio/ogg"),
                            "get": lambda i, c=client: c.get("cache/shared.ogg"),
                            "head": lambda i, c=client: c.exists("cache/shared.ogg"),
                            "get_then_put": get_then_put,
                        }
                        for call in CALLS:
                            await measure(steps[call], 10)  # warm the connection
                            wall, cpu = await measure(steps[call], calls)
                            walls[(name, call)] += wall
                            cpus[(name, call)] += cpu
                        log(f"round {round_no + 1}: {name} done")
            finally:
                await boto.close()
                await store.close()
        finally:
            stack.down()
    result: dict[str, dict[str, dict[str, float]]] = {name: {} for name in clients}
    for (name, call), wall in walls.items():
        result[name][call] = {"p50_ms": round(statistics.median(wall), 2),
                              "p99_ms": pct(wall, 0.99),
                              "cpu_ms": round(statistics.mean(cpus[(name, call)]), 3)}
    return {
        "bench": "object_store", "size_bytes": size, "calls": calls * rounds,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "clients": result,
        "cpu_ratio": {call: round(result["aiobotocore"][call]["cpu_ms"]
                                  / max(result["obstore"][call]["cpu_ms"], 1e-6), 2)
                      for call in CALLS},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300, help="calls per client, call "
                        "and round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, clients alternating")
    parser.add_argument("--size", type=int, default=40_000, help="object size in bytes "
                        "(a ~6 s voice message)")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.calls, args.rounds, args.size))))


if __name__ == "__main__":
    main()
