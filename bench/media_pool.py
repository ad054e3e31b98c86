"""Media pool benchmark: scheduling image jobs on 4 ComfyUI workers, side by side in one run.

What it measures
  * 4 emulated ComfyUI workers (`nectar_emulators.comfyui`, in-process, each on its own
    thread and event loop, over their real HTTP and WebSocket protocol) with the emulator's modelled costs: a checkpoint load 6 s, a
    LoRA switch 1.5 s, 28 sampler steps at 0.12 s, VAE decode 0.4 s.
  * 20 characters, each with its own LoRA; 15 are trained on the SDXL base and 5 on a
    second base (realistic vs anime bases, as the seed describes). Demand is Zipf
    distributed over the characters (s = 1.0: the favourite gets ~28% of the jobs).
  * A backlog of `--jobs` requests (the same sequence for every scheduler) enters the pool
    the way the bus feeds it: at most the pool's capacity in hand (4 workers x
    `MEDIA_JOBS_PER_WORKER`, 4: one running, three waiting for the best worker), the rest
    waiting in the stream. `round_robin`, `least_queue` and `affinity` run one after the
    other on the same workers, reset between runs (nothing loaded, counters zero).
  * Figures per scheduler, from the workers' own accounting in modelled seconds (each
    worker's executions back to back, as the emulator README advises, so the 2 shared cores
    do not distort them; the placements are the real pool's): `images_per_min` (images
    over the busiest worker's modelled time); `p50_s`/`p95_s`, job latency from the burst
    to its image on its worker's timeline; `lora_loads_per_100`, LoRA loads the workers
    counted per 100 images. Images are 256x256 so PNG encoding stays cheap.
  * `overhead_p99_ms`: Nectar's own time per job, in real milliseconds, over every job of
    every scheduler: the pool's `render` call minus the time the job waited for a worker
    and minus ComfyUI's time (from our submit to its last event for the prompt). That is
    placing it, building the graph, the reference upload, downloading and checking the
    image. The emulated workers share this process and its 2 cores (each on its own thread
    and event loop), so their CPU work delays ours too: the figure is an upper bound.
Targets: affinity >= 1.3x the throughput of least_queue at no worse p95; overhead p99 <= 50 ms.
Timing figures are noisy on a shared machine; run it alone when comparing.

Its last line is one JSON object:
  {"bench": "media_pool", "schedulers": {"round_robin": {"images_per_min", "p50_s", "p95_s",
   "lora_loads_per_100"}, "least_queue": {...}, "affinity": {...}}, "overhead_p99_ms": ...}
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import random
import statistics
import sys
import time
import uuid
from typing import Any

import httpx

from nectar_emulators._server import run_in_thread
from nectar_emulators.comfyui import ComfyUIEmulatorSettings, create_app
from nectar_media.adapters.pool import ComfyUIPool, PoolSettings
from nectar_media.domain import ImageSize, LoraVersion, plan_job
from nectar_media.domain.scheduling import POLICIES, Costs
from nectar_media.settings import MediaSettings

BASES = ("sd_xl_base_1.0.safetensors", "juggernautXL_v9Rundiffusionphoto2.safetensors")
CHARACTERS = 20
WORKERS = 4
#: jobs in hand per worker: the service's default (`MEDIA_JOBS_PER_WORKER`)
JOBS_PER_WORKER = int(MediaSettings.model_fields["jobs_per_worker"].default)


def characters() -> list[LoraVersion]:
    """20 characters; every fourth one is on the second base model."""
    return [LoraVersion(f"char{i:02d}", 1, BASES[1] if i % 4 == 3 else BASES[0],
                        f"character_char{i:02d}_v1.safetensors", f"{i:064x}", 0.85,
                        (f"char{i:02d}",))
            for i in range(CHARACTERS)]


def demand(count: int, seed: int, s: float = 1.0) -> list[int]:
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** s for rank in range(CHARACTERS)]
    return rng.choices(range(CHARACTERS), weights=weights, k=count)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def run_policy(policy: str, urls: list[str], sequence: list[int],
                     time_scale: float) -> tuple[dict[str, Any], list[float]]:
    loras = characters()
    scaled = Costs(checkpoint_load_s=6.0 * time_scale, lora_load_s=1.5 * time_scale,
                   render_s=4.0 * time_scale, max_wait_s=60.0 * time_scale)
    async with httpx.AsyncClient(timeout=10) as http:
        for url in urls:  # a fresh worker: nothing loaded, counters zero
            (await http.post(f"{url}/_emulator/reset")).raise_for_status()
    pool = ComfyUIPool(PoolSettings(urls=tuple(urls), policy=policy,
                                    jobs_per_worker=JOBS_PER_WORKER, costs=scaled,
                                    health_every_s=0.5, render_timeout_s=600,
                                    queue_timeout_s=600))
    await pool.start()
    await asyncio.sleep(1.0)  # the first health round: inventories known
    gate = asyncio.Semaphore(pool.capacity())  # what the bus lets in at once
    latencies: list[float] = []
    overheads: list[float] = []

    async def no() -> bool:
        return False

    async def one(character: int, start: float) -> None:
        async with gate:
            job = plan_job(job_id=uuid.uuid4(), user_id=1, character=f"char{character:02d}",
                           prompt="portrait", size=ImageSize(256, 256), lora=loras[character])
            called = time.perf_counter()
            image = await pool.render(job, lambda _: None, no)
            done = time.perf_counter()
        latencies.append(done - start)
        overheads.append((done - called - image.queue_s - image.comfy_s) * 1000)

    start = time.perf_counter()
    try:
        await asyncio.gather(*(one(c, start) for c in sequence))
    finally:
        await pool.close()
    wall = time.perf_counter() - start
    async with httpx.AsyncClient(timeout=10) as http:
        counters = [(await http.get(f"{url}/_emulator/counters")).json() for url in urls]
        runs = [(await http.get(f"{url}/_emulator/executions")).json()["executions"]
                for url in urls]
    # Each worker's own accounting: its executions back to back in modelled seconds. A
    # job's latency is when its worker finished it on that timeline (the burst is t = 0);
    # the wall clock of a shared 2-core machine does not enter the figures.
    finished: list[float] = []
    busy: list[float] = []
    for executions in runs:
        clock = 0.0
        for execution in executions:
            clock += execution["model_s"]
            if execution["status"] == "success":
                finished.append(clock)
        busy.append(clock)
    loads = sum(c["lora_loads"] for c in counters)
    figures = {"images_per_min": round(len(finished) / (max(busy) / 60), 2),
               "p50_s": round(statistics.median(finished), 1),
               "p95_s": round(pct(finished, 95), 1),
               "lora_loads_per_100": round(100 * loads / len(sequence), 1)}
    print(f"{policy:>12}: {figures}  (images {len(finished)}, checkpoint loads "
          f"{sum(c['checkpoint_loads'] for c in counters)}, busy per worker "
          f"{[round(b) for b in busy]} modelled s; wall {wall:.1f} s, wall p95 "
          f"{pct(latencies, 95) / time_scale:.0f} modelled s)", file=sys.stderr)
    return figures, overheads


async def main(jobs: int, time_scale: float, seed: int) -> dict[str, Any]:
    settings = [ComfyUIEmulatorSettings(worker_name=f"bench-{n}", time_scale=time_scale,
                                        checkpoints=list(BASES),
                                        loras=[c.file for c in characters()])
                for n in range(WORKERS)]
    sequence = demand(jobs, seed)
    with contextlib.ExitStack() as stack:
        # each worker on its own thread and event loop, like a machine of its own: the
        # emulators' work does not queue behind the pool's on one loop
        servers = [stack.enter_context(run_in_thread(create_app(s))) for s in settings]
        urls = [server.url for server in servers]
        schedulers: dict[str, Any] = {}
        overheads: list[float] = []
        for policy in POLICIES:
            figures, spent = await run_policy(policy, urls, sequence, time_scale)
            schedulers[policy] = figures
            overheads += spent
    ratio = schedulers["affinity"]["images_per_min"] / schedulers["least_queue"]["images_per_min"]
    print(f"affinity / least_queue throughput: {ratio:.2f}x (target >= 1.3x); overhead p50 "
          f"{statistics.median(overheads):.1f} ms", file=sys.stderr)
    return {"bench": "media_pool", "schedulers": schedulers,
            "overhead_p99_ms": round(pct(overheads, 99), 1)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--jobs", type=int, default=240, help="requests in the backlog")
    parser.add_argument("--time-scale", type=float, default=0.1,
                        help="wall seconds per modelled second on the emulated workers")
    parser.add_argument("--seed", type=int, default=7, help="seed of the demand sequence")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    result = asyncio.run(main(args.jobs, args.time_scale, args.seed))
    print(json.dumps(result))
