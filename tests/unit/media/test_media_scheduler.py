"""The scheduling policies, pure: which waiting job goes to which free worker."""

from __future__ import annotations

import random

import pytest

from nectar_media.domain.scheduling import (
    POLICIES,
    Affinity,
    Costs,
    LeastQueue,
    Need,
    RoundRobin,
    Waiting,
    WorkerState,
    make_policy,
    runnable_anywhere,
)

XL, ANIME = "sd_xl_base_1.0.safetensors", "anime_xl.safetensors"
ALL = frozenset({XL, ANIME, *(f"c{i}.safetensors" for i in range(20))})


def need(char: int, base: str = XL) -> Need:
    return Need(base, f"c{char}.safetensors")


def worker(name: str, *, free: bool = True, queue: int = 0, holds: Need | None = None,
           models: frozenset[str] = ALL, healthy: bool = True) -> WorkerState:
    return WorkerState(name, free=free, queue=queue, healthy=healthy, models=models,
                       checkpoint=holds.checkpoint if holds else None,
                       lora=holds.lora if holds else None)


def waiting(job: str, n: Need, waited_s: float = 0.0, avoid: frozenset[str] = frozenset()
            ) -> Waiting:
    return Waiting(job, n, waited_s, avoid)


def test_affinity_gives_each_worker_the_job_whose_lora_it_holds() -> None:
    policy = Affinity()
    jobs = [waiting("j1", need(1)), waiting("j2", need(2)), waiting("j3", need(3))]
    workers = [worker("a", holds=need(3)), worker("b", holds=need(1))]
    assert sorted(policy.assign(jobs, workers)) == [("j1", "b"), ("j3", "a")]


def test_affinity_leaves_a_lora_to_the_worker_that_holds_it() -> None:
    # b is busy with character 1 and will be free soon: a takes character 2 instead
    policy = Affinity()
    jobs = [waiting("j1", need(1)), waiting("j2", need(2))]
    workers = [worker("a", holds=need(5)), worker("b", free=False, queue=1, holds=need(1))]
    assert policy.assign(jobs, workers) == [("j2", "a")]


def test_affinity_does_not_idle_a_worker_when_only_other_workers_loras_wait() -> None:
    policy = Affinity()
    jobs = [waiting("j1", need(1))]
    workers = [worker("a", holds=need(5)), worker("b", free=False, queue=1, holds=need(1))]
    assert policy.assign(jobs, workers) == [("j1", "a")]


def test_affinity_loads_the_lora_most_jobs_wait_for() -> None:
    policy = Affinity()
    jobs = [waiting("j1", need(1)), waiting("j2", need(2)), waiting("j3", need(2))]
    assert policy.assign(jobs, [worker("a", holds=need(9))]) == [("j2", "a")]


def test_affinity_avoids_a_checkpoint_load_over_a_lora_switch() -> None:
    policy = Affinity()
    jobs = [waiting("j1", need(1, ANIME)), waiting("j2", need(2))]
    assert policy.assign(jobs, [worker("a", holds=need(3))]) == [("j2", "a")]


def test_a_job_waiting_too_long_goes_first_whatever_it_costs() -> None:
    policy = Affinity(Costs(max_wait_s=30))
    jobs = [waiting("old", need(1, ANIME), waited_s=31), waiting("cheap", need(3))]
    assert policy.assign(jobs, [worker("a", holds=need(3))]) == [("old", "a")]


def test_queue_depth_weighs_against_holding_the_lora() -> None:
    # both free of our jobs; b holds the LoRA but other replicas queued 3 prompts there
    policy = Affinity(Costs(lora_load_s=1.5, render_s=4.0))
    jobs = [waiting("j1", need(1))]
    workers = [worker("a", holds=need(2)), worker("b", queue=3, holds=need(1))]
    assert policy.assign(jobs, workers) == [("j1", "a")]


@pytest.mark.parametrize("name", POLICIES)
def test_no_policy_sends_a_job_where_it_cannot_run_or_failed(name: str) -> None:
    policy = make_policy(name)
    jobs = [waiting("j1", need(1), avoid=frozenset({"b"})), waiting("j2", need(2))]
    workers = [worker("a", models=frozenset({XL, "c2.safetensors"})), worker("b"),
               worker("c", free=False)]
    got = dict(policy.assign(jobs, workers))
    assert "j1" not in got  # a lacks its LoRA, it failed on b, c is busy
    assert got["j2"] in ("a", "b")


@pytest.mark.parametrize("name", POLICIES)
def test_each_job_and_each_free_worker_is_used_once(name: str) -> None:
    policy = make_policy(name)
    jobs = [waiting(f"j{i}", need(i % 3)) for i in range(10)]
    workers = [worker(w) for w in "abcd"] + [worker("e", free=False)]
    got = policy.assign(jobs, workers)
    assert len(got) == 4
    assert len({j for j, _ in got}) == 4 and {w for _, w in got} == set("abcd")


def test_least_queue_serves_in_arrival_order_to_the_shortest_queue() -> None:
    policy = LeastQueue()
    jobs = [waiting("first", need(1)), waiting("second", need(2))]
    workers = [worker("a", queue=2), worker("b", queue=0), worker("c", queue=1)]
    assert policy.assign(jobs, workers) == [("first", "b"), ("second", "c")]


def test_round_robin_takes_the_free_workers_in_turn() -> None:
    policy = RoundRobin()
    chosen = [policy.assign([waiting(f"j{i}", need(1))], [worker("a"), worker("b")])[0][1]
              for i in range(4)]
    assert chosen == ["a", "b", "a", "b"]


def test_runnable_anywhere_reads_the_inventory_of_every_worker() -> None:
    lacking = worker("a", models=frozenset({XL}), healthy=False)
    assert runnable_anywhere(Need(XL, None), [lacking])
    assert not runnable_anywhere(need(1), [lacking])
    assert runnable_anywhere(need(1), [lacking, worker("b", healthy=False)])


def _simulate(name: str, jobs: list[Need], workers: int = 4, window: int = 8,
              costs: Costs = Costs()) -> tuple[int, float]:
    """A tiny discrete-event model of the pool: loads, and the time to drain the backlog."""
    policy = make_policy(name, costs)
    clock = 0.0
    held: list[Need | None] = [None] * workers
    busy_until = [0.0] * workers
    pending = list(enumerate(jobs))
    waiting_jobs: list[tuple[int, Need]] = []
    loads = 0
    while pending or waiting_jobs or any(t > clock for t in busy_until):
        running = sum(1 for t in busy_until if t > clock)
        while pending and len(waiting_jobs) + running < window:
            waiting_jobs.append(pending.pop(0))
        states = [WorkerState(str(w), free=busy_until[w] <= clock, models=ALL,
                              checkpoint=held[w].checkpoint if held[w] else None,
                              lora=held[w].lora if held[w] else None)
                  for w in range(workers)]
        views = [Waiting(str(i), n, 0.0) for i, n in waiting_jobs]
        for job, name_ in policy.assign(views, states):
            w, index = int(name_), int(job)
            n = dict(waiting_jobs)[index]
            waiting_jobs.remove((index, n))
            cost = costs.switch(states[w], n)
            loads += cost > 0
            held[w] = n
            busy_until[w] = clock + 4.0 + cost
        future = [t for t in busy_until if t > clock]
        if not future:
            break
        clock = min(future)
    return loads, clock


def test_affinity_loads_fewer_loras_and_drains_sooner_than_least_queue() -> None:
    rng = random.Random(3)
    weights = [1 / (i + 1) for i in range(20)]
    jobs = [need(c) for c in rng.choices(range(20), weights=weights, k=300)]
    affinity_loads, affinity_time = _simulate("affinity", jobs)
    queue_loads, queue_time = _simulate("least_queue", jobs)
    assert affinity_loads < 0.7 * queue_loads
    assert affinity_time < queue_time
