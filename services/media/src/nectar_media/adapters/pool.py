"""`ComfyUIPool`: the `ImageRenderer` on N ComfyUI workers.

How a job goes:
1. `render` checks the workers' inventory: when no worker has the job's checkpoint and
   LoRA it fails at once with `MissingModel` (nothing is submitted, nothing hangs).
2. The job waits in the pool (not in a worker's queue) until the scheduling policy places
   it on a free worker (`domain.scheduling`: affinity by default). At most one job of this
   pool runs on a worker at a time, so every placement is made when the worker frees up,
   with what it will have loaded then.
3. On its worker: the reference image (a shop item) is uploaded with `/upload/image` (the
   bytes, fetched from object storage by media; ComfyUI gets a file name, never a URL),
   the graph is queued with our own `prompt_id`, and the prompt is followed on the worker's
   WebSocket (progress, `executed`, `execution_success`/`_error`/`_interrupted`,
   `executing {node: null}`), with `/history/{id}` as the fallback when the socket is down
   or silent. The output is read with `/view` and must be a whole image.
4. A worker that does not answer for `lost_after_s`, or that comes back without the prompt
   (a restart loses its queue), has lost the job: it is placed again (another worker when
   one can run it), up to `max_attempts`. The lost prompt is remembered and cancelled if
   that worker turns up with it later, so the user still gets exactly one image.

Health: every `health_every_s` each worker is asked `/system_stats` and `/queue` (and its
inventory every `inventory_every_s`); two failures in a row take it out of the pool, one
answer puts it back. A worker whose submit failed cools down for a second before it gets
another job.

Cancel and deadline: `render` asks `cancelled()` twice a second; a cancelled or overdue job
is taken out of the pool, or cancelled on its worker (`/api/jobs/{id}/cancel`, else
`/queue` delete plus `/interrupt`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nectar_media.adapters.comfyui import (
    ComfyUIClient,
    ComfyUIError,
    EventStream,
    PromptRejected,
    ProtocolError,
    WorkerUnreachable,
)
from nectar_media.domain import (
    Cancelled,
    ContentBlocked,
    ImageJob,
    Interrupted,
    JobFailed,
    MissingModel,
    Progress,
    RenderedImage,
    RenderFailed,
    RenderTimeout,
    image_mime,
    png_is_complete,
)
from nectar_media.domain.scheduling import (
    Costs,
    Need,
    Policy,
    Waiting,
    WorkerState,
    make_policy,
    runnable_anywhere,
)
from nectar_media.domain.workflow import (
    SAVE,
    Graph,
    SamplerSettings,
    job_workflow,
    percent_of,
    stage_of,
)
from nectar_media.metrics import MediaMetrics

log = logging.getLogger("nectar.media.pool")

ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class PoolSettings:
    """How the pool behaves (from `MediaSettings`)."""

    urls: tuple[str, ...]
    policy: str = "affinity"
    jobs_per_worker: int = 4
    costs: Costs = Costs()
    sampler: SamplerSettings = SamplerSettings()
    http_timeout_s: float = 10.0
    health_every_s: float = 2.0
    inventory_every_s: float = 30.0
    lost_after_s: float = 10.0
    render_timeout_s: float = 300.0
    queue_timeout_s: float = 120.0
    max_attempts: int = 3
    #: follow a prompt through /history when its events have been silent this long
    silence_s: float = 5.0


class WorkerLost(ComfyUIError):
    """The worker lost the prompt (restart) or stopped answering."""


@dataclass
class _Job:
    job: ImageJob
    need: Need
    on_progress: ProgressCallback
    accepted: float
    future: asyncio.Future[RenderedImage]
    attempts: int = 0
    avoid: set[str] = field(default_factory=set)
    worker: _Worker | None = None
    prompt_id: str | None = None
    task: asyncio.Task[None] | None = None
    dispatched: float | None = None
    submitted: float | None = None
    started: float | None = None
    finished: float | None = None
    stopping: bool = False


@dataclass
class _Worker:
    client: ComfyUIClient
    stream: EventStream | None = None
    healthy: bool = False
    known: bool = False  # answered at least once (its inventory is known)
    failures: int = 0
    models: frozenset[str] = frozenset()
    inventory_at: float = 0.0
    queue_others: int = 0
    checkpoint: str | None = None
    lora: str | None = None
    running: _Job | None = None
    cooldown_until: float = 0.0
    #: a prompt we gave up on is still running there (a hang): no new job until it ends
    stuck: bool = False
    watchers: dict[str, asyncio.Queue[tuple[str, dict[str, Any]]]] = field(
        default_factory=dict)
    #: prompts given up on this worker (lost): cancelled if it shows them again
    abandoned: set[str] = field(default_factory=set)
    uploads: dict[str, str] = field(default_factory=dict)  # sha256 -> file name there

    @property
    def name(self) -> str:
        return self.client.name

    def dispatch(self, kind: str, data: dict[str, Any]) -> None:
        prompt_id = data.get("prompt_id")
        queue = self.watchers.get(str(prompt_id)) if prompt_id else None
        if queue is not None:
            queue.put_nowait((kind, data))

    async def reconnected(self, first: bool) -> None:
        # events may have been missed while the socket was down: let every waiter look
        for queue in self.watchers.values():
            queue.put_nowait(("_reconnected", {}))


def _loaded(graph: Any) -> tuple[str | None, str | None]:
    """(checkpoint, LoRA) a queued or finished graph leaves loaded."""
    checkpoint = lora = None
    if isinstance(graph, dict):
        for node in graph.values():
            if not isinstance(node, dict):
                continue
            inputs = node.get("inputs") or {}
            if node.get("class_type") == "CheckpointLoaderSimple":
                checkpoint = inputs.get("ckpt_name")
            elif node.get("class_type") in ("LoraLoader", "LoraLoaderModelOnly"):
                lora = inputs.get("lora_name")
    return checkpoint, lora


def _classify_error(data: dict[str, Any]) -> JobFailed:
    """An `execution_error` as the domain error it means."""
    kind = str(data.get("exception_type", ""))
    message = str(data.get("exception_message", ""))[:300]
    node = f"{data.get('node_type', '?')} (node {data.get('node_id', '?')})"
    text = f"{kind}: {message} at {node}"
    lowered = (kind + " " + message).lower()
    if "filenotfound" in lowered or "not found" in lowered or "missing" in lowered:
        return MissingModel(text)
    if any(word in lowered for word in ("nsfw", "safety", "contentblocked", "blocked")):
        return ContentBlocked(text)
    return RenderFailed(text)


class ComfyUIPool:
    """`ImageRenderer` on a pool of ComfyUI workers; `Managed` (start opens the sockets and
    the health and dispatch loops; check fails when no worker is up)."""

    def __init__(self, settings: PoolSettings, metrics: MediaMetrics | None = None,
                 policy: Policy | None = None) -> None:
        if not settings.urls:
            raise ValueError("a pool needs at least one worker URL")
        self.settings = settings
        self.metrics = metrics
        self.policy = policy or make_policy(settings.policy, settings.costs)  # type: ignore[arg-type]
        client_id = uuid.uuid4().hex
        self.workers = [_Worker(ComfyUIClient(url.rstrip("/"), client_id,
                                              settings.http_timeout_s))
                        for url in settings.urls]
        self._waiting: list[_Job] = []
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._first_round = asyncio.Event()
        self.started = False

    # lifecycle

    def capacity(self) -> int:
        return len(self.workers) * self.settings.jobs_per_worker

    async def start(self) -> None:
        if self.started:
            return
        self.started = True
        self._wake = asyncio.Event()
        self._first_round = asyncio.Event()
        for worker in self.workers:
            worker.stream = EventStream(worker.client, worker.dispatch, worker.reconnected)
            worker.stream.start()
            self._tasks.append(asyncio.create_task(self._health_loop(worker),
                                                   name=f"comfyui-health-{worker.name}"))
        self._tasks.append(asyncio.create_task(self._dispatch_loop(), name="comfyui-dispatch"))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        for worker in self.workers:
            if worker.stream is not None:
                await worker.stream.close()
            await worker.client.close()
        self.started = False

    async def check(self) -> None:
        if not any(w.healthy for w in self.workers):
            raise RenderFailed("no ComfyUI worker is up: "
                               + ", ".join(w.name for w in self.workers))

    def states(self, now: float | None = None) -> list[WorkerState]:
        """The workers as the scheduler sees them."""
        now = time.monotonic() if now is None else now
        return [WorkerState(name=w.name, healthy=w.healthy,
                            free=(w.healthy and w.running is None and not w.stuck
                                  and now >= w.cooldown_until),
                            queue=w.queue_others + (1 if w.running else 0),
                            checkpoint=w.checkpoint, lora=w.lora, models=w.models)
                for w in self.workers]

    # health

    async def _health_loop(self, worker: _Worker) -> None:
        while True:
            await self._probe(worker)
            if all(w.known or w.failures for w in self.workers):
                self._first_round.set()
            await asyncio.sleep(self.settings.health_every_s)

    async def _probe(self, worker: _Worker) -> None:
        client = worker.client
        try:
            await client.system_stats()
            running, pending = await client.queue()
            now = time.monotonic()
            if not worker.known or now - worker.inventory_at >= self.settings.inventory_every_s:
                files = await client.models("checkpoints") + await client.models("loras")
                worker.models = frozenset(files)
                worker.inventory_at = now
            ours = {job.prompt_id for job in [worker.running] if job and job.prompt_id}
            items = running + pending
            ids = {str(item[1]) for item in items if len(item) > 2}
            worker.queue_others = sum(1 for i in ids if i not in ours)
            for prompt_id in worker.abandoned & ids:
                with contextlib.suppress(ComfyUIError):
                    await client.cancel(prompt_id)
            worker.abandoned &= ids
            was_stuck, worker.stuck = worker.stuck, bool(worker.abandoned)
            if was_stuck and not worker.stuck:
                self._wake.set()
            if items:
                checkpoint, lora = _loaded(items[-1][2])
                if checkpoint:
                    worker.checkpoint, worker.lora = checkpoint, lora
            elif worker.running is None:
                last = await client.last_history()
                if last is None:  # nothing ran since it started: nothing loaded
                    worker.checkpoint = worker.lora = None
                else:
                    prompt = last.get("prompt") or []
                    status = (last.get("status") or {}).get("status_str")
                    if len(prompt) > 2 and status == "success":
                        worker.checkpoint, worker.lora = _loaded(prompt[2])
        except (ComfyUIError, Exception) as exc:  # noqa: BLE001 - any failure counts
            worker.failures += 1
            if worker.failures >= 2 and worker.healthy:
                log.warning("worker left the pool", extra={"worker": worker.name,
                                                           "error": str(exc)[:300]})
                worker.healthy = False
                self._gauge(worker)
            return
        rejoined = not worker.healthy
        worker.failures = 0
        worker.known = True
        worker.healthy = True
        if rejoined:
            log.info("worker joined the pool", extra={"worker": worker.name,
                                                      "models": len(worker.models)})
            self._gauge(worker)
            self._wake.set()

    def _gauge(self, worker: _Worker) -> None:
        if self.metrics is not None:
            self.metrics.worker_up.labels(worker.name).set(1 if worker.healthy else 0)

    async def _known(self) -> None:
        """Wait (briefly) for the first health round, so the inventory is known."""
        if not self._first_round.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._first_round.wait(),
                                       self.settings.http_timeout_s + 1)

    # placing jobs

    async def _dispatch_loop(self) -> None:
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 1.0)
            self._wake.clear()
            self._dispatch()

    def _dispatch(self) -> None:
        if not self._waiting:
            return
        now = time.monotonic()
        waiting = [Waiting(job=str(entry.job.job_id), need=entry.need,
                           waited_s=now - entry.accepted, avoid=frozenset(entry.avoid))
                   for entry in self._waiting]
        by_id = {str(entry.job.job_id): entry for entry in self._waiting}
        by_name = {worker.name: worker for worker in self.workers}
        for job_id, name in self.policy.assign(waiting, self.states(now)):
            entry, worker = by_id[job_id], by_name[name]
            if worker.running is not None or entry not in self._waiting:
                continue
            self._waiting.remove(entry)
            self._start_attempt(entry, worker)

    def _start_attempt(self, entry: _Job, worker: _Worker) -> None:
        entry.attempts += 1
        entry.worker = worker
        entry.dispatched = time.monotonic()
        worker.running = entry
        if self.metrics is not None and self.settings.costs.switch(
                self.states()[self.workers.index(worker)], entry.need) > 0:
            self.metrics.model_loads.labels(worker.name).inc()
        worker.checkpoint, worker.lora = entry.need.checkpoint, entry.need.lora
        entry.task = asyncio.create_task(self._attempt(entry, worker),
                                         name=f"comfyui-job-{entry.job.job_id}")

    def _requeue(self, entry: _Job, why: str) -> None:
        if entry.stopping or entry.future.done():
            return
        if entry.attempts >= self.settings.max_attempts:
            entry.future.set_exception(RenderFailed(
                f"lost on {entry.attempts} attempts; last: {why}"))
            return
        log.warning("job placed again", extra={"job_id": str(entry.job.job_id),
                                               "attempt": entry.attempts, "why": why[:300]})
        if self.metrics is not None:
            self.metrics.reruns.inc()
        entry.worker = None
        entry.prompt_id = None
        entry.on_progress(Progress("queued", 0))
        self._waiting.insert(0, entry)
        if not runnable_anywhere(entry.need, [s for s in self.states()
                                              if s.name not in entry.avoid]):
            self._waiting.remove(entry)
            entry.future.set_exception(MissingModel(
                f"no worker has {entry.need.checkpoint} and {entry.need.lora}: {why}"))
        self._wake.set()

    async def _attempt(self, entry: _Job, worker: _Worker) -> None:
        job, client = entry.job, worker.client
        queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        prompt_id = str(uuid.uuid5(job.job_id, f"attempt-{entry.attempts}"))
        try:
            reference = None
            if job.reference is not None:
                reference = worker.uploads.get(job.reference.sha256)
                if reference is None:
                    reference = await client.upload_image(
                        job.reference.data,
                        f"nectar_ref_{job.reference.sha256[:32]}.{job.reference.extension}")
                    worker.uploads[job.reference.sha256] = reference
            graph = job_workflow(job, reference, sampler=self.settings.sampler)
            worker.watchers[prompt_id] = queue
            entry.submitted = time.monotonic()
            submitted_id = await client.submit(graph, prompt_id)
            if submitted_id != prompt_id:
                worker.watchers[submitted_id] = worker.watchers.pop(prompt_id)
                prompt_id = submitted_id
            entry.prompt_id = prompt_id
            outputs = await self._follow(entry, worker, graph, queue)
            data = await self._output(client, outputs)
            now = time.monotonic()
            if not entry.future.done():
                entry.future.set_result(RenderedImage(
                    data=data, worker=worker.name,
                    queue_s=(entry.dispatched or now) - entry.accepted,
                    render_s=now - (entry.submitted or now),
                    comfy_s=(entry.finished or now) - (entry.submitted or now)))
        except PromptRejected as exc:
            if exc.missing:
                # its inventory changed since we last looked: look again, go elsewhere
                worker.inventory_at = 0.0
                worker.models = worker.models - set(exc.missing)
                entry.avoid.add(worker.name)
                self._requeue(entry, str(exc))
            elif not entry.future.done():
                entry.future.set_exception(RenderFailed(str(exc)))
        except (WorkerLost, WorkerUnreachable) as exc:
            worker.cooldown_until = time.monotonic() + 1.0
            if entry.prompt_id is not None:
                worker.abandoned.add(entry.prompt_id)
            self._requeue(entry, str(exc))
        except JobFailed as exc:
            if not entry.future.done():
                entry.future.set_exception(exc)
        except ProtocolError as exc:
            if not entry.future.done():
                entry.future.set_exception(RenderFailed(str(exc)))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("job attempt crashed", extra={"job_id": str(job.job_id)})
            if not entry.future.done():
                entry.future.set_exception(RenderFailed(f"{type(exc).__name__}: {exc}"))
        finally:
            worker.watchers.pop(prompt_id, None)
            if worker.running is entry:
                worker.running = None
            self._wake.set()

    async def _follow(self, entry: _Job, worker: _Worker, graph: Graph,
                      queue: asyncio.Queue[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
        """Follow the prompt to its end; its outputs. Raises the domain errors, or
        `WorkerLost` when the worker lost it or stopped answering."""
        outputs: dict[str, Any] = {}
        step = steps = None
        stage = "loading"
        silent_since = looked = time.monotonic()
        unreachable_since: float | None = None
        entry.on_progress(Progress("loading", percent_of("loading"), worker=worker.name))
        while True:
            try:
                kind, data = await asyncio.wait_for(queue.get(), 0.5)
            except TimeoutError:
                kind, data = "", {}
            now = time.monotonic()
            if kind and kind != "_reconnected":
                silent_since = now
                unreachable_since = None
            if kind == "execution_start":
                entry.started = now
            elif kind == "executing":
                node = data.get("node")
                if node is None:
                    entry.finished = entry.finished or now
                    return outputs or await self._history_outputs(worker, entry)
                new_stage = stage_of(graph, str(node))
                if new_stage is not None and new_stage != stage:
                    stage = new_stage
                    entry.on_progress(Progress(stage, percent_of(stage, step, steps),  # type: ignore[arg-type]
                                               step, steps, worker.name))
            elif kind == "progress":
                step, steps = int(data.get("value", 0)), int(data.get("max", 0)) or None
                stage = "sampling"
                entry.on_progress(Progress("sampling", percent_of("sampling", step, steps),
                                           step, steps, worker.name))
            elif kind == "executed":
                output = data.get("output") or {}
                outputs[str(data.get("node"))] = output
            elif kind == "execution_success":
                entry.finished = now
                if outputs:
                    return outputs
            elif kind == "execution_error":
                raise _classify_error(data)
            elif kind == "execution_interrupted":
                raise Interrupted(f"interrupted on {worker.name}")
            stream_down = worker.stream is None or not worker.stream.connected
            if kind == "_reconnected" or (stream_down and now - looked >= 1.0) \
                    or now - silent_since >= self.settings.silence_s:
                looked = now
                try:
                    found = await self._look_up(worker, entry)
                except WorkerUnreachable:
                    unreachable_since = unreachable_since or now
                    if now - unreachable_since >= self.settings.lost_after_s:
                        raise WorkerLost(f"{worker.name} stopped answering") from None
                    continue
                unreachable_since = None
                silent_since = now
                if found is not None:
                    entry.finished = entry.finished or now
                    return found or outputs

    async def _look_up(self, worker: _Worker, entry: _Job) -> dict[str, Any] | None:
        """What the worker says about the prompt: its outputs once it ended (raising for an
        error or interrupt), None while it is queued or running; `WorkerLost` when the
        worker does not know it (a restart lost its queue)."""
        assert entry.prompt_id is not None
        history = await worker.client.history(entry.prompt_id)
        if history is not None:
            return self._ended(history, worker)
        running, pending = await worker.client.queue()
        if any(len(item) > 1 and str(item[1]) == entry.prompt_id for item in running + pending):
            return None
        # it may have ended between the two calls
        history = await worker.client.history(entry.prompt_id)
        if history is not None:
            return self._ended(history, worker)
        raise WorkerLost(f"{worker.name} no longer knows prompt {entry.prompt_id}")

    def _ended(self, history: dict[str, Any], worker: _Worker) -> dict[str, Any]:
        status = history.get("status") or {}
        messages = {event: data for event, data in status.get("messages") or []
                    if isinstance(data, dict)}
        if status.get("status_str") == "success":
            return dict(history.get("outputs") or {})
        if "execution_interrupted" in messages:
            raise Interrupted(f"interrupted on {worker.name}")
        if "execution_error" in messages:
            raise _classify_error(messages["execution_error"])
        raise RenderFailed(f"{worker.name}: prompt ended with status "
                           f"{status.get('status_str')!r}")

    async def _history_outputs(self, worker: _Worker, entry: _Job) -> dict[str, Any]:
        found = await self._look_up(worker, entry)
        return found or {}

    async def _output(self, client: ComfyUIClient, outputs: dict[str, Any]) -> bytes:
        """The SaveImage picture's bytes; `RenderFailed` when there is none or it is not a
        whole image."""
        images = (outputs.get(SAVE) or {}).get("images") or [
            image for output in outputs.values() for image in (output or {}).get("images", [])]
        if not images:
            raise RenderFailed(f"{client.name}: the prompt produced no image "
                               f"(outputs: {sorted(outputs)})")
        data = await client.view(images[0])
        mime = image_mime(data)
        if mime is None or (mime == "image/png" and not png_is_complete(data)):
            raise RenderFailed(f"{client.name}: output {images[0].get('filename')!r} is not "
                               f"a whole image ({len(data)} bytes)")
        return data

    # the port

    async def render(self, job: ImageJob, on_progress: ProgressCallback,
                     cancelled: Callable[[], Awaitable[bool]]) -> RenderedImage:
        await self._known()
        accepted = time.monotonic()
        on_progress(Progress("queued", 0))
        while not any(w.known for w in self.workers):
            # no worker has answered since we started: its inventory is unknown
            if await cancelled():
                raise Cancelled(while_running=False)
            if time.monotonic() - accepted >= self.settings.queue_timeout_s:
                raise RenderFailed("no ComfyUI worker answers: "
                                   + ", ".join(w.name for w in self.workers))
            await asyncio.sleep(0.5)
        need = Need(job.checkpoint, job.lora.file)
        if not runnable_anywhere(need, self.states()):
            raise MissingModel(f"no worker has checkpoint {need.checkpoint!r} and LoRA "
                               f"{need.lora!r} installed")
        loop = asyncio.get_running_loop()
        entry = _Job(job=job, need=need, on_progress=on_progress, accepted=accepted,
                     future=loop.create_future())
        self._waiting.append(entry)
        self._wake.set()
        deadline = entry.accepted + self.settings.render_timeout_s
        try:
            while True:
                done, _ = await asyncio.wait({entry.future}, timeout=0.5)
                if done:
                    return entry.future.result()
                now = time.monotonic()
                if await cancelled():
                    running = await self._stop(entry)
                    raise Cancelled(while_running=running)
                if now >= deadline:
                    await self._stop(entry)
                    raise RenderTimeout(f"not done after {self.settings.render_timeout_s:g} s")
                if entry in self._waiting and now - entry.accepted >= \
                        self.settings.queue_timeout_s and not any(
                            s.healthy and s.can_run(need) for s in self.states(now)):
                    self._waiting.remove(entry)
                    raise RenderFailed(f"no worker able to run it was up for "
                                       f"{self.settings.queue_timeout_s:g} s")
        finally:
            if not entry.future.done():
                entry.future.cancel()
            elif not entry.future.cancelled():
                entry.future.exception()  # retrieved: no "never retrieved" warning

    async def _stop(self, entry: _Job) -> bool:
        """Take the job out of the pool or stop it on its worker; whether it was running."""
        entry.stopping = True
        if entry in self._waiting:
            self._waiting.remove(entry)
            return False
        worker, task = entry.worker, entry.task
        if worker is None:
            return False
        for _ in range(20):  # the submit may still be on its way
            if entry.prompt_id is not None or task is None or task.done():
                break
            await asyncio.sleep(0.05)
        if entry.prompt_id is not None:
            try:
                await worker.client.cancel(entry.prompt_id)
            except ComfyUIError as exc:
                log.warning("cancel on the worker failed", extra={
                    "worker": worker.name, "error": str(exc)[:200]})
                worker.abandoned.add(entry.prompt_id)
        if task is not None and not task.done():
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, Exception):
                await asyncio.wait_for(asyncio.shield(task), 5.0)
            if not task.done():
                # it does not stop (a hang): keep the worker out until it lets go
                if entry.prompt_id is not None:
                    worker.abandoned.add(entry.prompt_id)
                    worker.stuck = True
                task.cancel()
        return True

    # for the benchmark and operators

    def snapshot(self) -> list[dict[str, Any]]:
        return [{"worker": w.name, "healthy": w.healthy, "models": len(w.models),
                 "checkpoint": w.checkpoint, "lora": w.lora,
                 "running": str(w.running.job.job_id) if w.running else None,
                 "queue_others": w.queue_others} for w in self.workers]

    @property
    def waiting(self) -> Sequence[ImageJob]:
        return [entry.job for entry in self._waiting]
