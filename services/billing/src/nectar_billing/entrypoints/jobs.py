"""Billing's background jobs: the outbox relay, the webhook processor, the expiry sweep.

The relay moves committed outbox rows to NATS: it relays a batch, then sleeps until either
the poll interval passes or a transaction that wrote outbox rows commits (`wake()`), so a new
user's `billing.user_created` leaves at once rather than up to one poll interval later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from nectar_runtime import outage_of

from nectar_billing.ports import OutboxStore, Publish

log = logging.getLogger("nectar.billing.jobs")


class OutboxRelay:
    """Publishes unpublished outbox rows in order; at-least-once, deduplicated downstream."""

    def __init__(self, store: OutboxStore, publish: Publish, *, poll_s: float,
                 batch_size: int = 100, error_backoff_s: float | None = None) -> None:
        self.store = store
        self.publish = publish
        self.poll_s = poll_s
        self.batch_size = batch_size
        self.error_backoff_s = error_backoff_s if error_backoff_s is not None else poll_s
        self._wakeup = asyncio.Event()
        self.relayed = 0

    def wake(self) -> None:
        """Relay now (called after a commit that wrote outbox rows)."""
        self._wakeup.set()

    async def relay_once(self) -> int:
        """Relay batches until the outbox is drained; returns how many events went out."""
        total = 0
        while True:
            # Cleared before reading, so rows committed during this pass wake the next one.
            self._wakeup.clear()
            sent = await self.store.relay_batch(self.publish, self.batch_size)
            total += sent
            self.relayed += sent
            if sent < self.batch_size:
                return total

    async def run(self) -> None:
        """Relay forever (cancelled on shutdown); failures are logged and retried."""
        log.info("outbox relay started", extra={"poll_s": self.poll_s,
                                                "batch_size": self.batch_size})
        while True:
            delay = self.poll_s
            try:
                sent = await self.relay_once()
                if sent:
                    log.debug("outbox relayed", extra={"events": sent})
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("outbox relay failed; will retry", exc_info=True,
                            extra={"retry_in_s": self.error_backoff_s})
                delay = self.error_backoff_s
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=delay)


class WebhookProcessor:
    """Processes recorded provider notifications after their HTTP answer has gone out.

    `wake()` after each recording; otherwise it sweeps every `poll_s`, which also picks up
    notifications recorded before a crash. Replicas share the work (`FOR UPDATE SKIP
    LOCKED` on the recorded rows).
    """

    def __init__(self, process: Callable[[int], Awaitable[int]], *, poll_s: float,
                 batch_size: int) -> None:
        self.process = process
        self.poll_s = poll_s
        self.batch_size = batch_size
        self._wakeup = asyncio.Event()
        self.processed = 0

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self) -> None:
        outage_delay = self.poll_s
        while True:
            self._wakeup.clear()
            delay = self.poll_s
            try:
                while (done := await self.process(self.batch_size)):
                    self.processed += done
                    if done < self.batch_size:
                        break
                outage_delay = self.poll_s
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                dependency = outage_of(exc)
                if dependency is None:
                    log.warning("webhook processing failed; will retry", exc_info=True)
                else:  # an outage: no traceback per sweep, and back off while it lasts
                    outage_delay = min(outage_delay * 2, 30.0)
                    delay = outage_delay
                    log.warning("webhook processing paused: dependency unavailable",
                                extra={"dependency": dependency, "error": str(exc)[:300],
                                       "retry_in_s": delay})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=delay)


async def sweep_expired_plans(expire: Callable[[int], Awaitable[int]], *, every_s: float,
                              batch: int = 100) -> None:
    """Every `every_s`, derive the plan of users whose paid plan has lapsed (`expire(batch)`
    returns how many it looked at; a full batch means there may be more)."""
    while True:
        await asyncio.sleep(every_s)
        try:
            while await expire(batch) == batch:
                pass
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("plan expiry sweep failed; will retry", exc_info=True)
