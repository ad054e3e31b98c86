"""`JetStreamEventLog`: read the event log (JetStream streams) in order, for rebuilds.

Reads with an ephemeral ordered consumer (deliver all, no acks, nothing durable left
behind) and stops when the consumer has caught up (`num_pending == 0`), so a rebuild reads
the log as it was when it started. Subjects are `nectar.<context>.<user_id>.<event>`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy
from nats.js.errors import NotFoundError
from nectar_contracts import Event
from nectar_contracts.registry import MalformedEvent, parse_event


class LogUnavailable(Exception):
    """The event log cannot be read (NATS down, stream missing)."""


class JetStreamEventLog:
    """The JetStream streams as an ordered, read-only event log."""

    def __init__(self, nats_url: str, *, read_timeout_s: float = 10.0) -> None:
        self.nats_url = nats_url
        self.read_timeout_s = read_timeout_s
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        #: payloads that could not be parsed, as (subject, reason): reported, never fatal
        self.skipped: list[tuple[str, str]] = []

    async def __aenter__(self) -> JetStreamEventLog:
        try:
            self._nc = await nats.connect(self.nats_url, connect_timeout=5,
                                          max_reconnect_attempts=2, error_cb=_quiet)
        except (OSError, nats.errors.Error) as exc:
            raise LogUnavailable(f"cannot connect to NATS at {self.nats_url}: {exc}") from exc
        self._js = self._nc.jetstream()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._nc is not None:
            await self._nc.close()

    @property
    def js(self) -> JetStreamContext:
        if self._js is None:
            raise RuntimeError("use `async with JetStreamEventLog(...)`")
        return self._js

    async def subject_counts(self, stream: str, subjects: str) -> dict[str, int]:
        """Messages per subject matching `subjects` in `stream` (empty if no stream)."""
        try:
            info = await self.js.stream_info(stream, subjects_filter=subjects)
        except NotFoundError:
            return {}
        return dict(info.state.subjects or {})

    async def users(self) -> list[int]:
        """User ids with chat events or a deletion in the log."""
        found: set[int] = set()
        for stream, pattern in (("CHAT", "nectar.chat.*.*"),
                                ("BILLING", "nectar.billing.*.user_deleted")):
            for subject in await self.subject_counts(stream, pattern):
                part = subject.split(".")[2]
                if part.lstrip("-").isdigit():
                    found.add(int(part))
        return sorted(found)

    async def read(self, stream: str, subjects: str) -> AsyncIterator[Event]:
        """Every event on `subjects` in `stream`, in stream order, up to the current end."""
        if not sum((await self.subject_counts(stream, subjects)).values()):
            return
        sub = await self.js.subscribe(subjects, stream=stream, ordered_consumer=True,
                                      deliver_policy=DeliverPolicy.ALL)
        try:
            while True:
                try:
                    msg = await sub.next_msg(timeout=self.read_timeout_s)
                except (TimeoutError, nats.errors.TimeoutError) as exc:
                    raise LogUnavailable(f"reading {subjects} from {stream} stalled") from exc
                try:
                    yield parse_event(msg.data)
                except MalformedEvent as exc:
                    self.skipped.append((msg.subject, exc.reason))
                if msg.metadata.num_pending == 0:
                    return
        finally:
            await sub.unsubscribe()


async def _quiet(exc: Exception) -> None:
    """nats-py logs connection errors with tracebacks by default; the caller reports them."""
