"""Publishing and consuming contract events on NATS JetStream.

Guarantees given to every service:
- every publish waits for the JetStream ack and sets `Nats-Msg-Id` = event id (dedupe);
- consumers are durable pull consumers with explicit acks;
- a malformed payload goes to the dead-letter stream with its reason at once, and does not
  block the messages after it;
- a handled event id is remembered per consumer, so a redelivery has no second effect;
- a failing handler is retried with exponential backoff (NAK with delay) and dead-lettered
  after `max_deliveries`;
- events of one user are handled in order within a replica (one lock per ordering key).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from datetime import UTC, datetime
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from faststream import AckPolicy
from faststream.nats import JStream, NatsBroker, NatsMessage, PullSub
from nats.js.api import ConsumerConfig, DeliverPolicy
from opentelemetry import trace

from nectar_contracts import (
    ALL_STREAMS,
    DeadLettered,
    Event,
    MalformedEvent,
    keyed_uuid7,
    parse_event,
)
from nectar_contracts.streams import StreamSpec
from nectar_runtime.idempotency import ProcessedStore
from nectar_runtime.logging import event_id_var, turn_id_var
from nectar_runtime.metrics import BusMetrics
from nectar_runtime.settings import InfraSettings

log = logging.getLogger("nectar.bus")

Handler = Callable[[Any], Awaitable[Sequence[Event]]]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Poison(Exception):
    """Raised by a handler for an event that can never be handled; it is dead-lettered."""


class Retry(Exception):
    """Raised by a handler to ask for redelivery later (e.g. waiting on another replica)."""

    def __init__(self, reason: str, delay_s: float | None = None) -> None:
        super().__init__(reason)
        self.delay_s = delay_s


@dataclass(frozen=True)
class Subscription:
    """One durable consumer: which events it takes and the handler that gets them.

    The handler receives the parsed event and returns the events to publish; they are
    published (and acked by JetStream) before the input is acked.
    """

    name: str
    events: tuple[type[Event], ...]
    handler: Handler
    description: str = ""
    subject: str | None = None
    ordering_key: Callable[[Event], Hashable] = field(default=lambda event: event.user_id)
    #: Where a *new* durable consumer starts (fixed once it exists). New messages by
    #: default: a reply path created on a long-lived stream must not answer old turns
    #: again. Projections that must see the whole history (users, plan cache) set True.
    deliver_all: bool = False

    @property
    def filter_subject(self) -> str:
        return self.subject or self.events[0].subscription_subject()

    @property
    def stream(self) -> str:
        return self.events[0].stream


class EventBus:
    """Publishes contract events (the only way services emit events)."""

    def __init__(self, broker: NatsBroker, producer: str, metrics: BusMetrics,
                 publish_timeout_s: float = 5.0) -> None:
        self.broker = broker
        self.producer = producer
        self.metrics = metrics
        self.publish_timeout_s = publish_timeout_s

    async def publish(self, event: Event) -> None:
        """Publish one event and wait for JetStream to store it."""
        await self.broker.publish(
            event.model_dump_json().encode(),
            subject=event.subject,
            stream=event.stream,
            headers={
                "Nats-Msg-Id": str(event.event_id),
                "content-type": "application/json",
                "nectar-type": event.type,
            },
            correlation_id=str(event.correlation_id),
            timeout=self.publish_timeout_s,
        )
        self.metrics.published.labels(self.producer, event.type).inc()

    async def publish_all(self, events: Sequence[Event]) -> None:
        for event in events:
            await self.publish(event)


class KeyedLocks:
    """One asyncio lock per key, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    async def __call__(self, key: Hashable, fn: Callable[[], Awaitable[Any]]) -> Any:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                return await fn()
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class Consumer:
    """Runs one Subscription: parse, dedupe, order, handle, publish, ack (or retry/park)."""

    def __init__(self, sub: Subscription, bus: EventBus, processed: ProcessedStore,
                 infra: InfraSettings, service: str, metrics: BusMetrics) -> None:
        self.sub = sub
        self.bus = bus
        self.processed = processed
        self.infra = infra
        self.service = service
        self.metrics = metrics
        self.locks = KeyedLocks()

    def backoff(self, deliveries: int) -> float:
        return min(self.infra.backoff_base_s * 2 ** max(deliveries - 1, 0),
                   self.infra.backoff_max_s)

    async def __call__(self, msg: NatsMessage) -> None:
        started = time.perf_counter()
        outcome = "error"
        try:
            outcome = await self._consume(msg)
        finally:
            self.metrics.consumed.labels(self.service, self.sub.name, outcome).inc()
            self.metrics.handle_seconds.labels(self.service, self.sub.name).observe(
                time.perf_counter() - started)

    async def _consume(self, msg: NatsMessage) -> str:
        raw: bytes = msg.body
        deliveries = msg.raw_message.metadata.num_delivered or 1
        try:
            event = parse_event(raw, self.sub.events)
        except MalformedEvent as exc:
            await self.dead_letter(msg, exc.kind, exc.reason, deliveries)
            return "dead_lettered"
        turn_token = turn_id_var.set(str(event.correlation_id))
        event_token = event_id_var.set(str(event.event_id))
        span = trace.get_current_span()
        span.set_attribute("nectar.turn_id", str(event.correlation_id))
        span.set_attribute("nectar.event_type", event.type)
        span.set_attribute("nectar.user_id", event.user_id)
        try:
            # Checked under the ordering lock: two copies of one event delivered together
            # (a duplicate publish) are then handled strictly one after the other.
            handled = await self.locks(self.sub.ordering_key(event), lambda: self._handle(event))
            await msg.ack()
            return "ok" if handled else "duplicate"
        except asyncio.CancelledError:
            # Shutdown ran out of grace: hand the message back at once instead of waiting for
            # the ack timeout.
            await msg.nack()
            raise
        except Poison as exc:
            await self.dead_letter(msg, "poison", str(exc), deliveries)
            return "dead_lettered"
        except Retry as exc:
            if deliveries >= self.infra.max_waits:
                await self.dead_letter(msg, "max_deliveries",
                                       f"still waiting after {deliveries} deliveries: {exc}",
                                       deliveries)
                return "dead_lettered"
            delay = exc.delay_s if exc.delay_s is not None else self.backoff(deliveries)
            log.info("retry requested", extra={"consumer": self.sub.name, "reason": str(exc),
                                               "delay_s": delay})
            await msg.nack(delay=delay)
            return "retry"
        except Exception as exc:
            if deliveries >= self.infra.max_deliveries:
                log.exception("giving up on event", extra={"consumer": self.sub.name,
                                                           "deliveries": deliveries})
                await self.dead_letter(
                    msg, "max_deliveries",
                    f"failed {deliveries} times; last error {type(exc).__name__}: {exc}",
                    deliveries)
                return "dead_lettered"
            delay = self.backoff(deliveries)
            log.warning("handler failed, will retry", exc_info=True,
                        extra={"consumer": self.sub.name, "deliveries": deliveries,
                               "delay_s": delay})
            await msg.nack(delay=delay)
            return "retry"
        finally:
            turn_id_var.reset(turn_token)
            event_id_var.reset(event_token)

    async def _handle(self, event: Event) -> bool:
        if await self.processed.seen(self.sub.name, str(event.event_id)):
            return False
        outputs = await self.sub.handler(event)
        await self.bus.publish_all(outputs)
        await self.processed.mark(self.sub.name, str(event.event_id))
        return True

    async def dead_letter(self, msg: NatsMessage, error_type: str, reason: str,
                          deliveries: int) -> None:
        """Park the message on the DLQ stream with its reason, then terminate it."""
        raw: bytes = msg.body
        try:
            payload, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            payload, encoding = base64.b64encode(raw).decode(), "base64"
        subject = msg.raw_message.subject
        headers = {k: v for k, v in (msg.headers or {}).items() if isinstance(v, str)}
        seq = msg.raw_message.metadata.sequence.stream
        letter = DeadLettered.new(
            producer=self.service, user_id=0, consumer=self.sub.name,
            original_subject=subject, original_headers=headers, original_payload=payload,
            payload_encoding=encoding, reason=reason, error_type=error_type,
            deliveries=deliveries,
        )
        # The DLQ message id is stable per (consumer, stream sequence): parking twice
        # after a crash is deduplicated by JetStream.
        letter = letter.model_copy(update={"event_id": keyed_uuid7(
            f"dlq|{self.sub.name}|{seq}", msg.raw_message.metadata.timestamp or utcnow())})
        await self.bus.publish(letter)
        self.metrics.dead_lettered.labels(self.service, self.sub.name, error_type).inc()
        log.error("dead-lettered message", extra={
            "consumer": self.sub.name, "subject": subject, "error_type": error_type,
            "reason": reason, "deliveries": deliveries})
        await msg.reject()


def register(broker: NatsBroker, consumer: Consumer, infra: InfraSettings) -> None:
    """Attach a Consumer to the broker as a FastStream JetStream pull subscriber."""
    sub = consumer.sub

    async def subscriber(body: Any) -> None:
        await consumer(broker.context.get_local("message"))

    # FastStream reads the payload schema for AsyncAPI from this annotation; validation is
    # ours (the broker runs with apply_types=False) so that bad payloads reach the DLQ.
    payload_type: Any = sub.events[0]
    for extra in sub.events[1:]:
        payload_type = payload_type | extra
    subscriber.__annotations__ = {"body": payload_type, "return": None}
    subscriber.__name__ = subscriber.__qualname__ = f"on_{sub.name.replace('-', '_')}"
    broker.subscriber(
        sub.filter_subject,
        stream=JStream(sub.stream, declare=False),
        durable=sub.name,
        pull_sub=PullSub(batch_size=infra.max_in_flight, timeout=1.0),
        config=ConsumerConfig(
            ack_wait=infra.ack_wait_s,
            # No JetStream cap: it would drop a message silently. We count deliveries and
            # park the message on the DLQ ourselves (max_deliveries / max_waits).
            max_deliver=-1,
            max_ack_pending=max(infra.max_in_flight * 4, 64),
            deliver_policy=DeliverPolicy.ALL if sub.deliver_all else DeliverPolicy.NEW,
        ),
        ack_policy=AckPolicy.MANUAL,
        max_workers=infra.max_in_flight,
        title=f"{sub.filter_subject}:{subscriber.__name__}",
        description=sub.description or None,
    )(subscriber)


async def ensure_streams(nats_url: str, replicas: int = 1,
                         streams: Sequence[StreamSpec] = ALL_STREAMS) -> None:
    """Create or update every stream (file storage); safe to run from every replica."""
    import nats
    from nats.js.api import StorageType, StreamConfig
    from nats.js.errors import NotFoundError

    nc = await nats.connect(servers=nats_url.split(","), connect_timeout=5)
    try:
        js = nc.jetstream()
        for spec in streams:
            config = StreamConfig(
                name=spec.name, subjects=list(spec.subjects), description=spec.description,
                storage=StorageType.FILE, num_replicas=replicas,
                max_age=spec.max_age_s or None, duplicate_window=spec.duplicate_window_s,
            )
            try:
                await js.stream_info(spec.name)
                await js.update_stream(config)
            except NotFoundError:
                await js.add_stream(config)
    finally:
        await nc.close()
