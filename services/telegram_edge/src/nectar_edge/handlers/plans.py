"""The plan cache: the edge's projection of billing's plan events."""

from __future__ import annotations

import logging

from nectar_contracts import Event, Plan, PlanChanged, UserCreated

from nectar_edge.deps import Deps

log = logging.getLogger("nectar.telegram_edge.handlers")


async def cache_plan(event: PlanChanged | UserCreated, deps: Deps) -> list[Event]:
    """On `billing.plan_changed` / `billing.user_created`: update the plan cache read when
    turns start. Ordered by `occurred_at`, so a late `user_created` never overwrites a newer
    plan (a redelivery stores nothing new). Emits nothing."""
    as_of_ms = int(event.occurred_at.timestamp() * 1000)
    stored = await deps.users.cache_plan(event.user_id, event.plan, as_of_ms)
    if not stored:
        log.info("older plan event ignored", extra={"user_id": event.user_id})
    return []


async def refill_plan(user_id: int, deps: Deps) -> Plan | None:
    """A plan missing from the cache (never cached, or evicted): billing's own latest plan
    event, cached again (compare-and-set on its time, so a newer event that arrives
    meanwhile wins); None when billing has no plan event of the user yet (a new user, whose
    plan is free). A missing entry is never read as `free` while billing knows better; the
    bus being down raises (the update is retried)."""
    if deps.plans is None:
        return None
    latest = await deps.plans.latest_plan(user_id)
    if latest is None:
        return None
    plan, as_of_ms = latest
    await deps.users.cache_plan(user_id, plan, as_of_ms)
    log.info("plan cache refilled from billing", extra={"user_id": user_id, "plan": plan})
    return plan
