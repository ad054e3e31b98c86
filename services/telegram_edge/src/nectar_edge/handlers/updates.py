"""Telegram updates from the bus: each one handled once, by any replica."""

from __future__ import annotations

import logging

from nectar_contracts import Event, UpdateReceived
from nectar_runtime import Poison
from opentelemetry import trace

from nectar_edge.deps import Deps
from nectar_edge.domain.errors import UnreadableUpdate

log = logging.getLogger("nectar.telegram_edge.handlers")


async def handle_update(event: UpdateReceived, deps: Deps) -> list[Event]:
    """On `telegram.update_received` (stored by the webhook or the poller): run the update
    through the bot (middleware chain, then the routers, whose handlers publish their own
    events: turns, image requests, payments). Emits nothing itself.

    Handled once per `update_id`, whatever the event id (Telegram may deliver an update
    twice, and each copy is stored): the update is claimed for `update_claim_ttl_s` while it
    is handled and remembered for `update_dedupe_ttl_s` once handled; a failure releases
    the claim and propagates, so the redelivery is handled. A crash mid-handling leaves only
    the short claim; the turn's deterministic id lets JetStream drop a second publish.

    An update the bot cannot read at all (`UnreadableUpdate`: no update kind this code
    knows, or a malformed core object) is dead-lettered at once with the reason (`Poison`)
    and remembered as handled, so Telegram's copies of it are not parked again. (The
    webhook answered 200 long before: Telegram never holds later updates behind it.)
    """
    if deps.feed is None:
        raise RuntimeError("this edge process handles no updates (Deps.feed is not set)")
    policy, bot_id, update_id = deps.policy, event.bot_id, event.update_id
    if not await deps.updates.claim(bot_id, update_id, policy.update_claim_ttl_s):
        trace.get_current_span().set_attribute("telegram.duplicate", True)
        log.info("duplicate update ignored", extra={"update_id": update_id})
        return []
    try:
        await deps.feed.feed(event.update, deps)
    except UnreadableUpdate as exc:
        await deps.updates.complete(bot_id, update_id, policy.update_dedupe_ttl_s)
        log.error("update this code cannot read; dead-lettered",
                  extra={"update_id": update_id, "reason": exc.reason})
        raise Poison(f"telegram update {update_id}: {exc.reason}") from exc
    except BaseException:
        try:
            await deps.updates.release(bot_id, update_id)
        except Exception:
            log.warning("could not release the update claim", exc_info=True,
                        extra={"update_id": update_id})
        raise
    await deps.updates.complete(bot_id, update_id, policy.update_dedupe_ttl_s)
    return []
