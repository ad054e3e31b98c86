"""The plan cache: the edge's projection of billing's plan events."""

from __future__ import annotations

import logging

from nectar_contracts import Event, PlanChanged, UserCreated

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
