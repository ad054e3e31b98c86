"""`ComfyUIPool` against emulated ComfyUI workers over the real protocol (HTTP + WebSocket):
a render and what it shows, progress, affinity, and every failure mode: a missing model, a
worker killed mid-job, a restart that loses the queue, a dropped WebSocket, 5xx, an
execution error, a hang, an output that is not an image, cancel, a worker leaving and
rejoining the pool."""

from __future__ import annotations

import asyncio
import io
import json

import pytest
from conftest import KAI, MIRA, REFERENCE, Watch, job
from PIL import Image

from nectar_media.domain import (
    Cancelled,
    Interrupted,
    LoraVersion,
    MissingModel,
    RenderFailed,
    RenderTimeout,
    image_mime,
)

pytestmark = pytest.mark.integration


def _shown(data: bytes) -> str:
    """What the emulated picture says it shows (its `nectar_emulator` text chunk)."""
    with Image.open(io.BytesIO(data)) as image:
        return json.dumps(image.text.get("nectar_emulator", ""))


async def _wait(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.05)


async def test_a_job_with_an_item_renders_what_was_asked_with_progress(workers, pools) -> None:
    [worker] = await workers(1)
    pool = await pools([worker.url])
    watch = Watch()
    image = await pool.render(job(item=True, prompt="at a party"), watch.on_progress,
                              watch.cancelled)
    assert image_mime(image.data) == "image/png"
    shown = _shown(image.data)
    assert "character_mira_v2" in shown and "nectar_ref_" in shown
    assert "weight 0.4" in shown and "end_at 0.8" in shown and "at a party" in shown
    assert image.worker == f"127.0.0.1:{worker.port}" and image.render_s > 0
    stages = [p.stage for p in watch.progress]
    assert stages[0] == "queued" and "sampling" in stages and stages[-1] == "saving"
    sampling = [p for p in watch.progress if p.stage == "sampling" and p.step]
    assert sampling[-1].step == sampling[-1].steps == 28
    # the reference went up as a file, once per worker, whatever the jobs
    await pool.render(job(item=True, prompt="in the rain"), watch.on_progress,
                      watch.cancelled)
    state = await worker.control("GET", "/_emulator/state")
    assert state["files"]["input"] == 1


async def test_a_missing_lora_is_a_clear_failure_and_nothing_is_submitted(workers,
                                                                          pools) -> None:
    [worker] = await workers(1)
    pool = await pools([worker.url])
    ghost = LoraVersion("ghost", 1, MIRA.base_model, "character_ghost_v1.safetensors",
                        "0" * 64)
    watch = Watch()
    with pytest.raises(MissingModel, match="character_ghost_v1"):
        await asyncio.wait_for(pool.render(job(ghost), watch.on_progress, watch.cancelled), 5)
    assert (await worker.counters())["prompts_queued"] == 0


async def test_a_lora_removed_after_the_inventory_was_read_goes_to_a_worker_that_has_it(
        workers, pools) -> None:
    a, b = await workers(2)
    pool = await pools([a.url, b.url], policy="round_robin", health_every_s=30)
    await asyncio.sleep(0.5)  # both inventories read
    await a.control("POST", "/_emulator/inventory", json={"remove": {"loras": [KAI.file]}})
    watch = Watch()
    images = [await pool.render(job(KAI), watch.on_progress, watch.cancelled)
              for _ in range(2)]
    assert {i.worker for i in images} == {f"127.0.0.1:{b.port}"}
    await b.control("POST", "/_emulator/inventory", json={"remove": {"loras": [KAI.file]}})
    with pytest.raises(MissingModel):
        await pool.render(job(KAI), watch.on_progress, watch.cancelled)


async def test_a_worker_killed_mid_job_has_its_job_rerun_elsewhere_exactly_once(
        workers, pools) -> None:
    a, b = await workers(2, time_scale=0.05)  # a render takes ~0.2 s of wall time
    pool = await pools([a.url, b.url], policy="least_queue")
    await asyncio.sleep(0.5)
    await a.fault(kind="hang", node="KSampler", at_step=5, interruptible=True)
    await b.fault(kind="hang", node="KSampler", at_step=5, interruptible=True)
    watch = Watch()
    render = asyncio.create_task(pool.render(job(), watch.on_progress, watch.cancelled))

    async def running() -> bool:
        return any(w.running is not None and w.running.started for w in pool.workers)
    await _wait(running)
    [busy] = [w for w in pool.workers if w.running is not None]
    victim, survivor = (a, b) if busy.name.endswith(str(a.port)) else (b, a)
    await survivor.control("DELETE", "/_emulator/faults")
    await victim.kill()
    image = await asyncio.wait_for(render, 20)
    assert image.worker == f"127.0.0.1:{survivor.port}"
    assert image_mime(image.data) == "image/png"
    counters = await survivor.counters()
    assert counters["prompts_succeeded"] == counters["images_saved"] == 1
    assert not [w for w in pool.workers if w.name.endswith(str(victim.port)) and w.healthy]


async def test_a_restart_that_loses_the_queue_reruns_the_job(workers, pools) -> None:
    [worker] = await workers(1, time_scale=0.05)
    pool = await pools([worker.url])
    await asyncio.sleep(0.4)
    await worker.fault(kind="hang", node="KSampler", at_step=3, interruptible=True)
    watch = Watch()
    render = asyncio.create_task(pool.render(job(), watch.on_progress, watch.cancelled))
    await _wait(lambda: _sampling(watch))

    async def hanging() -> bool:
        # the hang has fired (a restart before step 3 would leave it armed for the rerun)
        return not (await worker.control("GET", "/_emulator/faults"))["faults"]
    await _wait(hanging)
    lost = await worker.control("POST", "/_emulator/restart", json={"down_s": 0.5})
    assert lost["lost_running"] is not None
    image = await asyncio.wait_for(render, 20)
    assert image_mime(image.data) == "image/png"
    counters = await worker.counters()
    assert counters["restarts"] == 1 and counters["prompts_succeeded"] == 1


async def _sampling(watch: Watch) -> bool:
    return any(p.stage == "sampling" for p in watch.progress)


async def test_a_dropped_websocket_does_not_lose_the_picture(workers, pools) -> None:
    [worker] = await workers(1, time_scale=0.05)
    pool = await pools([worker.url])
    await worker.fault(kind="drop_websocket", node="KSampler", at_step=4)
    watch = Watch()
    image = await asyncio.wait_for(pool.render(job(), watch.on_progress, watch.cancelled), 20)
    assert image_mime(image.data) == "image/png"
    assert (await worker.counters())["websocket_drops"] == 1


async def test_a_5xx_on_submit_is_retried(workers, pools) -> None:
    [worker] = await workers(1)
    pool = await pools([worker.url])
    await worker.fault(kind="http_error", route="/prompt", method="POST", status=500,
                       times=1)
    watch = Watch()
    image = await asyncio.wait_for(pool.render(job(), watch.on_progress, watch.cancelled), 20)
    assert image_mime(image.data) == "image/png"
    counters = await worker.counters()
    assert counters["http_faults"] == 1 and counters["prompts_succeeded"] == 1


async def test_an_execution_error_is_a_worker_error(workers, pools) -> None:
    [worker] = await workers(1)
    pool = await pools([worker.url])
    await worker.fault(kind="execution_error", node="KSampler", at_step=2,
                       message="CUDA out of memory")
    watch = Watch()
    with pytest.raises(RenderFailed, match="CUDA out of memory"):
        await asyncio.wait_for(pool.render(job(), watch.on_progress, watch.cancelled), 20)


async def test_a_missing_clip_vision_at_run_time_is_a_missing_model(workers, pools) -> None:
    [worker] = await workers(1)
    pool = await pools([worker.url])
    await worker.control("POST", "/_emulator/inventory", json={
        "remove": {"clip_vision": ["CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors"]}})
    watch = Watch()
    with pytest.raises(MissingModel):
        await asyncio.wait_for(pool.render(job(item=True), watch.on_progress,
                                           watch.cancelled), 20)


@pytest.mark.parametrize("variant", ["text", "truncated", "no_images"])
async def test_an_output_that_is_not_an_image_is_a_worker_error(workers, pools,
                                                                variant: str) -> None:
    [worker] = await workers(1)
    pool = await pools([worker.url])
    await worker.fault(kind="non_image_output", variant=variant)
    watch = Watch()
    with pytest.raises(RenderFailed):
        await asyncio.wait_for(pool.render(job(), watch.on_progress, watch.cancelled), 20)


async def test_a_hang_times_out_and_keeps_the_worker_out_until_it_lets_go(workers,
                                                                          pools) -> None:
    a, b = await workers(2)
    pool = await pools([a.url, b.url], render_timeout_s=1.5, policy="least_queue")
    await asyncio.sleep(0.4)
    for worker in (a, b):
        await worker.fault(kind="hang", node="KSampler", at_step=2, interruptible=False)
    watch = Watch()
    with pytest.raises(RenderTimeout):
        await pool.render(job(), watch.on_progress, watch.cancelled)
    [stuck] = [w for w in pool.workers if w.stuck]
    other = b if stuck.name.endswith(str(a.port)) else a
    await other.control("DELETE", "/_emulator/faults")
    image = await asyncio.wait_for(pool.render(job(), watch.on_progress, watch.cancelled), 20)
    assert image.worker == f"127.0.0.1:{other.port}"


async def test_cancel_stops_a_running_job_on_its_worker(workers, pools) -> None:
    [worker] = await workers(1, time_scale=0.05)
    pool = await pools([worker.url])
    await worker.fault(kind="hang", node="KSampler", at_step=3, interruptible=True)
    watch = Watch()
    render = asyncio.create_task(pool.render(job(), watch.on_progress, watch.cancelled))
    await _wait(lambda: _sampling(watch))
    watch.cancel = True
    with pytest.raises(Cancelled) as caught:
        await asyncio.wait_for(render, 10)
    assert caught.value.while_running is True
    counters = await worker.counters()
    assert counters["prompts_interrupted"] == 1 and counters["images_saved"] == 0


async def test_cancel_takes_a_waiting_job_out_of_the_pool(workers, pools) -> None:
    [worker] = await workers(1, time_scale=0.05)
    pool = await pools([worker.url])
    await worker.fault(kind="hang", node="KSampler", at_step=3, interruptible=True)
    first, second = Watch(), Watch()
    running = asyncio.create_task(pool.render(job(), first.on_progress, first.cancelled))
    await _wait(lambda: _sampling(first))
    waiting = asyncio.create_task(pool.render(job(KAI), second.on_progress, second.cancelled))
    await asyncio.sleep(0.3)
    second.cancel = True
    with pytest.raises(Cancelled) as caught:
        await asyncio.wait_for(waiting, 5)
    assert caught.value.while_running is False
    first.cancel = True
    with pytest.raises(Cancelled):
        await asyncio.wait_for(running, 10)
    assert (await worker.counters())["prompts_queued"] == 1


async def test_an_interrupt_by_someone_else_is_not_a_user_cancel(workers, pools) -> None:
    [worker] = await workers(1, time_scale=0.05)
    pool = await pools([worker.url])
    await worker.fault(kind="hang", node="KSampler", at_step=3, interruptible=True)
    watch = Watch()
    render = asyncio.create_task(pool.render(job(), watch.on_progress, watch.cancelled))
    await _wait(lambda: _sampling(watch))
    await worker.control("POST", "/interrupt")
    with pytest.raises(Interrupted):
        await asyncio.wait_for(render, 10)


async def test_an_unhealthy_worker_leaves_the_pool_and_rejoins_by_itself(workers,
                                                                        pools) -> None:
    [worker] = await workers(1)
    pool = await pools([worker.url])
    await _wait(lambda: _healthy(pool, True))
    await worker.fault(kind="http_error", route="/system_stats", method="GET", status=503,
                       times=3)
    await _wait(lambda: _healthy(pool, False))
    with pytest.raises(RenderFailed):
        await pool.check()
    await _wait(lambda: _healthy(pool, True))
    await pool.check()
    watch = Watch()
    assert image_mime((await pool.render(job(), watch.on_progress, watch.cancelled)).data)


async def _healthy(pool, state: bool) -> bool:  # type: ignore[no-untyped-def]
    return all(w.healthy is state for w in pool.workers)


async def test_affinity_keeps_each_character_on_the_worker_that_holds_its_lora(
        workers, pools) -> None:
    a, b = await workers(2, time_scale=0.02)
    pool = await pools([a.url, b.url], jobs_per_worker=4)
    await asyncio.sleep(0.4)
    watch = Watch()
    jobs = [job(MIRA if i % 2 else KAI) for i in range(12)]
    images = await asyncio.gather(*(pool.render(j, watch.on_progress, watch.cancelled)
                                    for j in jobs))
    by_character: dict[str, set[str]] = {}
    for j, image in zip(jobs, images, strict=True):
        by_character.setdefault(j.character, set()).add(image.worker)
    loads = sum([(await w.counters())["lora_loads"] for w in (a, b)])
    assert loads <= 3, by_character  # one per worker, not one per alternation
    assert len(images) == 12 and all(image_mime(i.data) for i in images)


async def test_a_job_waits_for_a_worker_that_is_down_then_fails_clearly(workers,
                                                                        pools) -> None:
    [worker] = await workers(1)
    pool = await pools([worker.url], queue_timeout_s=1.5)
    await _wait(lambda: _healthy(pool, True))
    await worker.kill()
    await _wait(lambda: _healthy(pool, False))
    watch = Watch()
    with pytest.raises(RenderFailed, match="no worker"):
        await asyncio.wait_for(pool.render(job(), watch.on_progress, watch.cancelled), 10)
    assert REFERENCE  # the fixture image is a real PNG (kept for the item jobs)
