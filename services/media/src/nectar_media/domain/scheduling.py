"""Which waiting job goes to which free ComfyUI worker. Pure: the pool gives a snapshot of
its waiting jobs and workers, a policy answers with assignments.

The pool binds late: a job waits in the pool (never in a worker's own queue) until a worker
is free, so the choice is made when it matters, with what each worker will have loaded
then. Three policies:
- `round_robin`: jobs in arrival order, to the free workers in turn;
- `least_queue`: jobs in arrival order, each to the free worker with the shortest queue;
- `affinity`: each free worker takes the waiting job that is cheapest for it to run: its
  checkpoint and LoRA already loaded first (no load), then a LoRA no other worker holds
  (so every worker keeps its own), then the LoRA most jobs are waiting for (one load serves
  them all); queue depth adds a render's cost per queued prompt; a job that has waited
  `max_wait_s` goes first, to its cheapest worker, so nothing starves.
A worker only gets jobs whose checkpoint and LoRA it has installed, and never a job that
failed on it.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol

PolicyName = Literal["round_robin", "least_queue", "affinity"]
POLICIES: tuple[PolicyName, ...] = ("round_robin", "least_queue", "affinity")


@dataclass(frozen=True)
class Need:
    """The models a job needs loaded."""

    checkpoint: str
    lora: str | None


@dataclass(frozen=True)
class Waiting:
    """A job waiting for a worker: what it needs, how long it has waited, where not to go."""

    job: str
    need: Need
    waited_s: float = 0.0
    avoid: frozenset[str] = frozenset()


@dataclass(frozen=True)
class WorkerState:
    """A worker as the pool sees it. `free`: healthy and running no job of this pool;
    `queue`: prompts in its queue from any client (other replicas included); `checkpoint`
    and `lora`: what it will have loaded once its queue drains (predicted from the last
    prompt it was given); `models`: installed checkpoints and LoRAs."""

    name: str
    free: bool
    queue: int = 0
    checkpoint: str | None = None
    lora: str | None = None
    models: frozenset[str] = frozenset()
    healthy: bool = True

    def can_run(self, need: Need) -> bool:
        return need.checkpoint in self.models and (need.lora is None
                                                   or need.lora in self.models)

    def holds(self, need: Need) -> bool:
        return self.checkpoint == need.checkpoint and self.lora == need.lora


@dataclass(frozen=True)
class Costs:
    """Seconds of a worker's time, to weigh a load against a queue (the defaults are the
    emulator's modelled costs; set them to what the GPUs measure)."""

    checkpoint_load_s: float = 6.0
    lora_load_s: float = 1.5
    render_s: float = 4.0
    max_wait_s: float = 60.0

    def switch(self, worker: WorkerState, need: Need) -> float:
        """What running `need` on `worker` costs in loads."""
        if worker.checkpoint != need.checkpoint:
            return self.checkpoint_load_s + (self.lora_load_s if need.lora else 0.0)
        if need.lora is not None and worker.lora != need.lora:
            return self.lora_load_s
        return 0.0


Assignment = tuple[str, str]  # (job, worker)


class Policy(Protocol):
    name: PolicyName

    def assign(self, waiting: Sequence[Waiting],
               workers: Sequence[WorkerState]) -> list[Assignment]:
        """Assignments to make now: each job at most once, each free worker at most once.
        `waiting` is in arrival order."""
        ...


def runnable_anywhere(need: Need, workers: Sequence[WorkerState]) -> bool:
    """Whether any known worker (healthy or not) has the models installed."""
    return any(w.can_run(need) for w in workers)


class _ArrivalOrder:
    """Jobs in arrival order, each to one of the free workers that can run it (and did not
    fail it), as `_pick` chooses; ties are broken in turn."""

    name: PolicyName

    def __init__(self) -> None:
        self._turn = itertools.count()

    def _pick(self, eligible: list[WorkerState]) -> WorkerState:
        raise NotImplementedError

    def assign(self, waiting: Sequence[Waiting],
               workers: Sequence[WorkerState]) -> list[Assignment]:
        free = [w for w in workers if w.free]
        out: list[Assignment] = []
        for job in waiting:
            if not free:
                break
            eligible = [w for w in free if w.can_run(job.need) and w.name not in job.avoid]
            if not eligible:
                continue
            chosen = self._pick(eligible)
            free.remove(chosen)
            out.append((job.job, chosen.name))
        return out


class RoundRobin(_ArrivalOrder):
    """Arrival order; the free workers in turn."""

    name: PolicyName = "round_robin"

    def _pick(self, eligible: list[WorkerState]) -> WorkerState:
        return eligible[next(self._turn) % len(eligible)]


class LeastQueue(_ArrivalOrder):
    """Arrival order; the free worker with the shortest queue (ties in turn)."""

    name: PolicyName = "least_queue"

    def _pick(self, eligible: list[WorkerState]) -> WorkerState:
        shortest = min(w.queue for w in eligible)
        ties = [w for w in eligible if w.queue == shortest]
        return ties[next(self._turn) % len(ties)]


class Affinity:
    """The cheapest job for each free worker (see the module docstring)."""

    name: PolicyName = "affinity"

    def __init__(self, costs: Costs = Costs()) -> None:
        self.costs = costs

    def _cost(self, job: Waiting, worker: WorkerState, others: Sequence[WorkerState],
              demand: Counter[Need]) -> tuple[float, int, float]:
        switch = self.costs.switch(worker, job.need)
        if switch > 0 and any(o.name != worker.name and o.healthy and o.holds(job.need)
                              and o.can_run(job.need) for o in others):
            # another worker holds this LoRA: loading it here too costs a load now and
            # takes that worker's work away
            switch += self.costs.lora_load_s
        return (switch + worker.queue * self.costs.render_s, -demand[job.need], -job.waited_s)

    def assign(self, waiting: Sequence[Waiting],
               workers: Sequence[WorkerState]) -> list[Assignment]:
        states = {w.name: w for w in workers}
        pending = list(waiting)
        out: list[Assignment] = []
        while pending:
            free = [w for w in states.values() if w.free]
            if not free:
                break
            demand = Counter(job.need for job in pending)
            urgent = [job for job in pending if job.waited_s >= self.costs.max_wait_s]
            candidates = urgent[:1] if urgent else pending
            best: tuple[tuple[float, int, float], Waiting, WorkerState] | None = None
            for job in candidates:
                for worker in free:
                    if not worker.can_run(job.need) or worker.name in job.avoid:
                        continue
                    key = self._cost(job, worker, list(states.values()), demand)
                    if best is None or key < best[0]:
                        best = (key, job, worker)
            if best is None:
                if urgent:  # the urgent job cannot run on any free worker: look past it
                    pending = [job for job in pending if job is not urgent[0]]
                    continue
                break
            _, job, worker = best
            pending.remove(job)
            states[worker.name] = replace(worker, free=False, queue=worker.queue + 1,
                                          checkpoint=job.need.checkpoint, lora=job.need.lora)
            out.append((job.job, worker.name))
        return out


def make_policy(name: PolicyName, costs: Costs = Costs()) -> Policy:
    if name == "round_robin":
        return RoundRobin()
    if name == "least_queue":
        return LeastQueue()
    if name == "affinity":
        return Affinity(costs)
    raise ValueError(f"unknown scheduling policy {name!r}; one of {POLICIES}")
