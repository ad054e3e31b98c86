"""Publishing and consuming contract events on NATS JetStream.

Guarantees given to every service:
- every publish waits for the JetStream ack and sets `Nats-Msg-Id` = event id (dedupe);
- consumers are durable pull consumers with explicit acks, fed by flow control: a replica
  holds no more messages than it is handling (`max_in_flight` per subscription); the rest
  wait in the stream, where another replica can take them;
- a handler of any length is never redelivered while its replica lives: the message gets an
  in-progress ack (`+WPI`) every quarter of its ack wait; when the replica dies the heartbeats
  stop and JetStream redelivers it one ack wait later;
- a malformed payload goes to the dead-letter stream with its reason at once, and does not
  block the messages after it;
- idempotency across replicas: a handler runs only under a claim of `(consumer, event id)`
  (`nectar_runtime.idempotency`), so a redelivery or a duplicate has no second effect and two
  replicas never handle one event at once;
- an outage of our own infrastructure is retried with capped backoff for as long as it lasts
  and never dead-letters a message; other failures are retried with backoff and dead-lettered
  after `max_deliveries` (see `nectar_runtime.errors`);
- events of one user are handled in order, across replicas and through retries: a message
  waits while an earlier message of the same user is still unhandled by this consumer
  (`Consumer._behind`: the user's position in the claim store, one direct get on the stream).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from faststream.nats import NatsBroker
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.propagate import extract

from nectar_contracts import (
    ALL_STREAMS,
    DeadLettered,
    Event,
    MalformedEvent,
    keyed_uuid7,
    parse_event,
)
from nectar_contracts.streams import StreamSpec
from nectar_runtime.errors import Poison, Retry, outage_of
from nectar_runtime.idempotency import ProcessedStore
from nectar_runtime.logging import event_id_var, turn_id_var
from nectar_runtime.metrics import BusMetrics
from nectar_runtime.settings import InfraSettings

__all__ = ["Consumer", "EventBus", "Handler", "Poison", "PullFeed", "Retry", "StreamsMissing",
           "Subscription", "await_streams", "ensure_consumer", "ensure_streams"]

log = logging.getLogger("nectar.bus")

Handler = Callable[[Any], Awaitable[Sequence[Event]]]


def _by_user(event: Event) -> Hashable:
    """The default ordering key: the user."""
    return event.user_id


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Subscription:
    """One durable consumer: which events it takes, the handler that gets them, and how.

    The handler receives the parsed event and returns the events to publish; they are
    published (and acked by JetStream) before the input is acked.
    """

    name: str
    events: tuple[type[Event], ...]
    handler: Handler
    description: str = ""
    subject: str | None = None
    ordering_key: Callable[[Event], Hashable] = field(default=_by_user)
    #: Where a *new* durable consumer starts (fixed once it exists). New messages by
    #: default: a reply path created on a long-lived stream must not answer old turns
    #: again. Projections that must see the whole history (users, plan cache) set True.
    deliver_all: bool = False
    #: messages handled at once by one replica; None: `NECTAR_MAX_IN_FLIGHT`
    max_in_flight: int | None = None
    #: seconds without an ack or heartbeat before JetStream redelivers; None:
    #: `NECTAR_ACK_WAIT_S`. Long handlers need no long ack wait: they are heartbeated.
    ack_wait_s: float | None = None
    #: events of one user are handled in stream order, across replicas and retries (needs
    #: the default ordering key and a filter with the user as its one wildcard)
    ordered: bool = True

    @property
    def filter_subject(self) -> str:
        return self.subject or self.events[0].subscription_subject()

    @property
    def stream(self) -> str:
        return self.events[0].stream

    def in_flight(self, infra: InfraSettings) -> int:
        return self.max_in_flight or infra.max_in_flight

    def ack_wait(self, infra: InfraSettings) -> float:
        return self.ack_wait_s or infra.ack_wait_s

    def user_subject(self, user_id: int) -> str | None:
        """This subscription's filter for one user, when it orders by user; else None."""
        if not self.ordered or self.ordering_key is not _by_user:
            return None
        if self.filter_subject.count("*") != 1 or ">" in self.filter_subject:
            return None
        return self.filter_subject.replace("*", str(user_id))

    def user_of(self, subject: str) -> int | None:
        """The user id a message's subject carries in this subscription's wildcard."""
        pattern = self.filter_subject.split(".")
        tokens = subject.split(".")
        if "*" not in pattern or len(tokens) != len(pattern):
            return None
        token = tokens[pattern.index("*")]
        return int(token) if token.isdigit() else None


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


class _Counts:
    """Deliveries of a message that were not its own failures (outages, another replica's
    claim), per stream sequence, so that they do not count towards dead-lettering. Bounded:
    the oldest entries go first."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._counts: OrderedDict[int, int] = OrderedDict()

    def add(self, seq: int) -> None:
        self._counts[seq] = self._counts.get(seq, 0) + 1
        self._counts.move_to_end(seq)
        while len(self._counts) > self.limit:
            self._counts.popitem(last=False)

    def pop(self, seq: int) -> int:
        return self._counts.pop(seq, 0)

    def get(self, seq: int) -> int:
        return self._counts.get(seq, 0)


class Consumer:
    """Runs one Subscription: parse, claim, order, handle, publish, ack (or retry/park)."""

    def __init__(self, sub: Subscription, bus: EventBus, processed: ProcessedStore,
                 infra: InfraSettings, service: str, metrics: BusMetrics,
                 tracer: trace.Tracer | None = None) -> None:
        self.sub = sub
        self.bus = bus
        self.processed = processed
        self.infra = infra
        self.service = service
        self.metrics = metrics
        self.tracer = tracer or trace.get_tracer("nectar.bus")
        self.locks = KeyedLocks()
        self.ack_wait_s = sub.ack_wait(infra)
        #: a claim outlives neither the replica nor the ack wait: it is renewed with the
        #: heartbeat and runs out before JetStream would redeliver a dead replica's message
        self.lease_s = self.ack_wait_s * 0.8
        self.heartbeat_s = self.ack_wait_s / 4
        self.owner = f"{infra.instance_id}:{uuid.uuid4().hex[:12]}"
        self.not_failures = _Counts()
        #: id(msg) -> event id claimed for it (renewed by the message's heartbeat)
        self._claimed: dict[int, str] = {}
        #: stream seq -> when it first had to wait for an earlier message of its user
        self._waiting_since: OrderedDict[int, float] = OrderedDict()
        self._ack_floor = (0, 0.0)  # (stream seq, monotonic time read)

    def backoff(self, deliveries: int) -> float:
        return min(self.infra.backoff_base_s * 2 ** max(deliveries - 1, 0),
                   self.infra.backoff_max_s)

    async def __call__(self, msg: Msg) -> str:
        started = time.perf_counter()
        outcome = "error"
        heartbeat = asyncio.create_task(self._heartbeat(msg))
        self.metrics.in_flight.labels(self.service, self.sub.name).inc()
        self._observe_wait(msg)
        try:
            outcome = await self._consume(msg)
            return outcome
        finally:
            heartbeat.cancel()
            self.metrics.in_flight.labels(self.service, self.sub.name).dec()
            self.metrics.consumed.labels(self.service, self.sub.name, outcome).inc()
            self.metrics.handle_seconds.labels(self.service, self.sub.name).observe(
                time.perf_counter() - started)

    def _observe_wait(self, msg: Msg) -> None:
        """Queue age: how long a message waited in the stream before its first delivery
        started being handled (`nectar_event_wait_seconds`)."""
        with contextlib.suppress(Exception):  # no metadata (tests' raw messages): no sample
            meta = msg.metadata
            if (meta.num_delivered or 1) == 1 and meta.timestamp is not None:
                waited = (utcnow() - meta.timestamp).total_seconds()
                self.metrics.wait_seconds.labels(self.service, self.sub.name).observe(
                    max(waited, 0.0))

    async def _heartbeat(self, msg: Msg) -> None:
        """Tell JetStream (and the claim) that this message is still being worked on."""
        while True:
            await asyncio.sleep(self.heartbeat_s)
            with contextlib.suppress(Exception):  # a lost heartbeat only risks a redelivery
                await msg.in_progress()
            claimed = self._claimed.get(id(msg))
            if claimed is not None:
                try:
                    await self.processed.renew(self.sub.name, claimed, self.owner, self.lease_s)
                except Exception as exc:  # the claim then runs out; the handler goes on
                    log.warning("claim not renewed", extra={"consumer": self.sub.name,
                                                            "error": repr(exc)})

    async def _consume(self, msg: Msg) -> str:
        meta = msg.metadata
        seq = meta.sequence.stream
        deliveries = meta.num_delivered or 1
        try:
            event = parse_event(msg.data, self.sub.events)
        except MalformedEvent as exc:
            return await self.dead_letter(msg, exc.kind, exc.reason, deliveries)
        turn_token = turn_id_var.set(str(event.correlation_id))
        event_token = event_id_var.set(str(event.event_id))
        parent = extract(msg.headers or {})
        span = self.tracer.start_span(f"{self.sub.name} process", context=parent,
                                      kind=trace.SpanKind.CONSUMER, attributes={
                                          "messaging.system": "nats",
                                          "messaging.destination.name": msg.subject,
                                          "messaging.consumer.group.name": self.sub.name,
                                          "nectar.turn_id": str(event.correlation_id),
                                          "nectar.event_type": event.type,
                                          "nectar.user_id": event.user_id,
                                      })
        ctx_token = otel_context.attach(trace.set_span_in_context(span, parent))
        try:
            # Claimed and handled under the ordering lock: two copies of one event delivered
            # together (a duplicate publish) are handled strictly one after the other.
            outcome = await self.locks(self.sub.ordering_key(event),
                                       lambda: self._handle(msg, event))
            if outcome in ("ok", "duplicate"):
                await msg.ack()
                self.not_failures.pop(seq)
            return outcome
        except asyncio.CancelledError:
            # Shutdown ran out of grace: hand the message back at once instead of waiting for
            # the ack timeout.
            with contextlib.suppress(Exception):
                await msg.nak()
            raise
        except Poison as exc:
            return await self.dead_letter(msg, "poison", str(exc), deliveries)
        except Retry as exc:
            if deliveries >= self.infra.max_waits:
                return await self.dead_letter(
                    msg, "max_deliveries", f"still waiting after {deliveries} deliveries: {exc}",
                    deliveries)
            delay = exc.delay_s if exc.delay_s is not None else self.backoff(deliveries)
            log.info("retry requested", extra={"consumer": self.sub.name, "reason": str(exc),
                                               "delay_s": delay})
            await msg.nak(delay=delay)
            return "retry"
        except Exception as exc:
            dependency = outage_of(exc)
            if dependency is not None:
                # Our own infrastructure is down: the message is fine. Retry for as long as
                # it takes; readiness reports the dependency, this counter and log say why.
                self.not_failures.add(seq)
                delay = self.backoff(self.not_failures.get(seq))
                self.metrics.outage_retries.labels(self.service, self.sub.name,
                                                   dependency).inc()
                log.warning("dependency unavailable; message handed back", extra={
                    "consumer": self.sub.name, "dependency": dependency,
                    "error": f"{type(exc).__name__}: {exc}"[:300], "delay_s": delay})
                with contextlib.suppress(Exception):
                    await msg.nak(delay=delay)
                return "outage"
            failures = deliveries - self.not_failures.get(seq)
            if failures >= self.infra.max_deliveries:
                log.exception("giving up on event", extra={"consumer": self.sub.name,
                                                           "deliveries": deliveries})
                return await self.dead_letter(
                    msg, "max_deliveries",
                    f"failed {failures} times; last error {type(exc).__name__}: {exc}",
                    deliveries)
            delay = self.backoff(failures)
            log.warning("handler failed, will retry", exc_info=True,
                        extra={"consumer": self.sub.name, "deliveries": deliveries,
                               "delay_s": delay})
            await msg.nak(delay=delay)
            return "retry"
        finally:
            otel_context.detach(ctx_token)
            span.end()
            turn_id_var.reset(turn_token)
            event_id_var.reset(event_token)

    async def _handle(self, msg: Msg, event: Event) -> str:
        event_id = str(event.event_id)
        seq = msg.metadata.sequence.stream
        user_subject = self.sub.user_subject(event.user_id)
        order_key = str(event.user_id) if user_subject else None
        claim = await self.processed.claim(self.sub.name, event_id, self.owner, self.lease_s,
                                           order_key)
        if claim.state == "done":
            return "duplicate"
        if claim.state == "busy":
            # Another live replica handles this very event: look again once its lease could
            # have run out. Not a failure of the message.
            self.not_failures.add(seq)
            await msg.nak(delay=self.lease_s)
            return "busy"
        self._claimed[id(msg)] = event_id
        try:
            if user_subject and await self._behind(seq, user_subject, claim.position):
                # An earlier message of this user is still being handled (elsewhere, or
                # waiting for its retry): come back after it. Not a failure of the message.
                await self.processed.release(self.sub.name, event_id, self.owner)
                self.not_failures.add(seq)
                await msg.nak(delay=min(self.infra.backoff_base_s
                                        * 2 ** min(self.not_failures.get(seq), 6), 2.0))
                return "waiting"
            self._waiting_since.pop(seq, None)
            outputs = await self.sub.handler(event)
            await self.bus.publish_all(outputs)
            await self.processed.complete(self.sub.name, event_id, self.owner, order_key, seq)
            return "ok"
        except BaseException:
            # Let the next delivery claim it at once (best effort: if the store is down the
            # lease runs out by itself).
            with contextlib.suppress(Exception):
                await self.processed.release(self.sub.name, event_id, self.owner)
            raise
        finally:
            self._claimed.pop(id(msg), None)

    async def _behind(self, seq: int, user_subject: str, position: int) -> bool:
        """Whether a message of the same user earlier than `seq` is still unhandled by this
        consumer. `position` is the last one this consumer finished for the user; a message
        between it and `seq` that sits below the consumer's ack floor was finished too (before
        positions were recorded). Gives up waiting, with a warning, after a bound: ordering
        must never stall a user for good."""
        js = self._jetstream()
        start = position + 1
        for _ in range(16):
            if start >= seq:
                return False
            try:
                earlier = await js.get_msg(self.sub.stream, seq=start, subject=user_subject,
                                           next=True, direct=True)
            except NotFoundError:
                return False
            if earlier.seq is None or earlier.seq >= seq:
                return False
            if earlier.seq > await self._current_ack_floor():
                break
            start = earlier.seq + 1
        else:
            return False
        first = self._waiting_since.setdefault(seq, time.monotonic())
        while len(self._waiting_since) > 10_000:
            self._waiting_since.popitem(last=False)
        if time.monotonic() - first > max(2 * self.ack_wait_s, 30.0):
            log.warning("ordering: gave up waiting for an earlier message of the user",
                        extra={"consumer": self.sub.name, "seq": seq,
                               "earlier_seq": earlier.seq})
            self._waiting_since.pop(seq, None)
            return False
        return True

    async def _current_ack_floor(self) -> int:
        """The consumer's ack floor (every message at or below it is finished); read at most
        once a second."""
        floor, read_at = self._ack_floor
        if time.monotonic() - read_at > 1.0:
            info = await self._jetstream().consumer_info(self.sub.stream, self.sub.name)
            floor = info.ack_floor.stream_seq if info.ack_floor else 0
            self._ack_floor = (floor, time.monotonic())
        return floor

    def _jetstream(self) -> Any:
        js = getattr(self, "_js", None)
        if js is None:
            js = self._js = self.bus.broker.connection.jetstream()
        return js

    async def dead_letter(self, msg: Msg, error_type: str, reason: str,
                          deliveries: int) -> str:
        """Park the message on the DLQ stream with its reason, then terminate it. If the DLQ
        cannot be written (NATS trouble), the message is handed back instead: never lost."""
        raw: bytes = msg.data
        try:
            payload, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            payload, encoding = base64.b64encode(raw).decode(), "base64"
        headers = {k: v for k, v in (msg.headers or {}).items() if isinstance(v, str)}
        meta = msg.metadata
        letter = DeadLettered.new(
            producer=self.service, user_id=0, consumer=self.sub.name,
            original_subject=msg.subject, original_headers=headers, original_payload=payload,
            payload_encoding=encoding, reason=reason, error_type=error_type,
            deliveries=deliveries,
        )
        # The DLQ message id is stable per (consumer, stream sequence): parking twice
        # after a crash is deduplicated by JetStream.
        letter = letter.model_copy(update={"event_id": keyed_uuid7(
            f"dlq|{self.sub.name}|{meta.sequence.stream}", meta.timestamp or utcnow())})
        try:
            await self.bus.publish(letter)
        except Exception as exc:
            log.warning("dead letter not written; message handed back", extra={
                "consumer": self.sub.name, "error": f"{type(exc).__name__}: {exc}"[:300]})
            with contextlib.suppress(Exception):
                await msg.nak(delay=self.infra.backoff_max_s)
            return "outage"
        self.metrics.dead_lettered.labels(self.service, self.sub.name, error_type).inc()
        log.error("dead-lettered message", extra={
            "consumer": self.sub.name, "subject": msg.subject, "error_type": error_type,
            "reason": reason, "deliveries": deliveries})
        await msg.term()
        self.not_failures.pop(meta.sequence.stream)
        # the user's later messages need not wait for this one any more
        user = self.sub.user_of(msg.subject)
        if user is not None and self.sub.user_subject(user):
            with contextlib.suppress(Exception):
                await self.processed.advance(self.sub.name, str(user), meta.sequence.stream)
        return "dead_lettered"


_STATUS = "Status"
_PENDING = "Nats-Pending-Messages"


class PullFeed:
    """Feeds a Consumer from its durable pull consumer with flow control.

    Pull requests stay outstanding for exactly the free handler slots (`capacity`), so
    messages are dispatched the moment they arrive (no batch waits) and a busy replica holds
    nothing it is not handling: the rest waits in the stream, visible as consumer lag, where
    another replica can take it. Requests expire and are renewed; idle heartbeats from the
    server tell a live request from one lost with a reconnect.
    """

    def __init__(self, nc: NatsClient, stream: str, durable: str, capacity: int,
                 dispatch: Callable[[Msg], Awaitable[Any]], *, expires_s: float = 30.0,
                 heartbeat_s: float = 5.0) -> None:
        self.nc = nc
        self.stream = stream
        self.durable = durable
        self.capacity = capacity
        self.dispatch = dispatch
        self.expires_s = expires_s
        self.heartbeat_s = heartbeat_s
        self.requested = 0
        self.in_flight = 0
        self.tasks: set[asyncio.Task[None]] = set()
        self.running = False
        self._sub: Any = None
        self._watchdog: asyncio.Task[None] | None = None
        self._last_seen = time.monotonic()
        self._next_subject = f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{durable}"
        #: re-pull when at least this many slots are free (fewer requests under load)
        self._threshold = max(1, capacity // 4)

    async def start(self) -> None:
        self.inbox = self.nc.new_inbox()
        self._sub = await self.nc.subscribe(self.inbox, cb=self._on_msg)
        self.running = True
        await self._pull(force=True)
        self._watchdog = asyncio.create_task(self._watch(), name=f"pull-{self.durable}")

    async def _pull(self, force: bool = False) -> None:
        want = self.capacity - self.in_flight - self.requested
        if not self.running or want <= 0 or (want < self._threshold and not force
                                             and self.requested > 0):
            return
        self.requested += want
        request = {"batch": want, "expires": int(self.expires_s * 1e9),
                   "idle_heartbeat": int(self.heartbeat_s * 1e9)}
        try:
            await self.nc.publish(self._next_subject, json.dumps(request).encode(),
                                  reply=self.inbox)
        except Exception as exc:  # disconnected: the watchdog asks again
            self.requested -= want
            log.debug("pull request not sent", extra={"consumer": self.durable,
                                                      "error": repr(exc)})

    async def _on_msg(self, msg: Msg) -> None:
        self._last_seen = time.monotonic()
        status = msg.headers.get(_STATUS) if msg.headers else None
        if status:
            if status == "100":  # idle heartbeat: the request is alive
                return
            # 404/408/409: a request ended (expired, or the server dropped it); what it still
            # owed us is in its pending count, else we assume every request is gone
            pending = msg.headers.get(_PENDING) if msg.headers else None
            if pending is not None and pending.isdigit():
                self.requested = max(self.requested - int(pending), 0)
            else:
                self.requested = 0
            await self._pull(force=True)
            return
        self.requested = max(self.requested - 1, 0)
        if not self.running:
            # draining for shutdown: another replica (or our successor) takes it now
            with contextlib.suppress(Exception):
                await msg.nak()
            return
        self.in_flight += 1
        task = asyncio.create_task(self._run(msg))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _run(self, msg: Msg) -> None:
        try:
            await self.dispatch(msg)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("consumer crashed on a message", extra={"consumer": self.durable})
        finally:
            self.in_flight -= 1
            await self._pull()

    async def _watch(self) -> None:
        """Re-ask when outstanding requests went silent (lost with a reconnect or restart)."""
        while self.running:
            await asyncio.sleep(self.heartbeat_s)
            silent = time.monotonic() - self._last_seen
            if self.requested > 0 and silent > 2 * self.heartbeat_s + 1:
                log.info("pull requests went silent; asking again",
                         extra={"consumer": self.durable, "silent_s": round(silent, 1)})
                self.requested = 0
                self._last_seen = time.monotonic()
            await self._pull(force=self.requested == 0)

    async def stop(self, grace_s: float) -> None:
        """Stop taking messages, let in-flight ones finish within `grace_s`, then hand the
        rest back (their handlers are cancelled and NAK)."""
        self.running = False
        if self._watchdog is not None:
            self._watchdog.cancel()
        # Interest in the inbox goes first: the server then drops our waiting pull requests
        # and delivers to other replicas, including what we hand back below. (Acks and naks
        # travel on each message's own reply subject, not on the inbox.)
        if self._sub is not None:
            with contextlib.suppress(Exception):
                await self._sub.unsubscribe()
                await self.nc.flush(timeout=2)
        if self.tasks:
            _, pending = await asyncio.wait(set(self.tasks), timeout=grace_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


async def ensure_consumer(nc: NatsClient, sub: Subscription, infra: InfraSettings) -> None:
    """Create the durable consumer, or update what may change on an existing one (ack wait,
    pending limit); where a new one starts is fixed when it is created."""
    js = nc.jetstream()
    in_flight = sub.in_flight(infra)
    config = ConsumerConfig(
        durable_name=sub.name,
        filter_subject=sub.filter_subject,
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=sub.ack_wait(infra),
        # No JetStream cap: it would drop a message silently. We count deliveries and
        # park the message on the DLQ ourselves (max_deliveries / max_waits).
        max_deliver=-1,
        max_ack_pending=max(in_flight * 4, 64),
        deliver_policy=DeliverPolicy.ALL if sub.deliver_all else DeliverPolicy.NEW,
        description=sub.description or None,
    )
    try:
        info = await js.consumer_info(sub.stream, sub.name)
    except NotFoundError:
        await js.add_consumer(sub.stream, config)
        return
    current = info.config
    if (current.ack_wait, current.max_ack_pending, current.filter_subject) != (
            config.ack_wait, config.max_ack_pending, config.filter_subject):
        await js.add_consumer(sub.stream, config.evolve(
            deliver_policy=current.deliver_policy, opt_start_seq=current.opt_start_seq,
            opt_start_time=current.opt_start_time))


async def ensure_streams(nats_url: str | dict[str, Any], replicas: int = 1,
                         streams: Sequence[StreamSpec] = ALL_STREAMS) -> None:
    """Create or update every stream (file storage). Run by the streams job (`python -m
    nectar_runtime.streams`), as the NATS user allowed to; services only wait for them.
    `nats_url`: a URL, or `nats.connect` keyword arguments (`access.connect_options`)."""
    import nats
    from nats.js.api import StorageType, StreamConfig

    options = {"servers": nats_url.split(",")} if isinstance(nats_url, str) else nats_url
    nc = await nats.connect(**options, connect_timeout=5)
    try:
        js = nc.jetstream()
        for spec in streams:
            config = StreamConfig(
                name=spec.name, subjects=list(spec.subjects), description=spec.description,
                storage=StorageType.FILE, num_replicas=replicas,
                max_age=spec.max_age_s or None, duplicate_window=spec.duplicate_window_s,
                # direct gets: consumers look up a user's earlier message (ordering)
                allow_direct=True,
            )
            try:
                await js.stream_info(spec.name)
                await js.update_stream(config)
            except NotFoundError:
                await js.add_stream(config)
    finally:
        await nc.close()


class StreamsMissing(RuntimeError):
    """Streams a service needs do not exist (or lack subjects) after waiting for them."""


async def await_streams(options: dict[str, Any], names: Sequence[str],
                        timeout_s: float, poll_s: float = 1.0) -> None:
    """Wait until every stream in `names` exists with (at least) the subjects its contract
    gives it. Services never create streams; the streams job does (first install, and after
    an upgrade that changes a stream). Raises StreamsMissing after `timeout_s`."""
    import nats

    wanted = {spec.name: set(spec.subjects) for spec in ALL_STREAMS if spec.name in names}
    nc = await nats.connect(**options, connect_timeout=5)
    try:
        js = nc.jetstream()
        deadline = time.monotonic() + timeout_s
        warned = False
        while True:
            missing = []
            for name, subjects in wanted.items():
                try:
                    info = await js.stream_info(name)
                except NotFoundError:
                    missing.append(name)
                    continue
                if not subjects <= set(info.config.subjects or ()):
                    missing.append(f"{name} (subjects {sorted(subjects)})")
            if not missing:
                return
            if time.monotonic() > deadline:
                raise StreamsMissing(
                    f"streams missing: {', '.join(missing)}. Services never create streams: "
                    "run the streams job (`python -m nectar_runtime.streams`; in Kubernetes "
                    "the nectar-streams Job) as the NATS user `streams`.")
            if not warned:
                log.warning("waiting for streams (the streams job creates them)",
                            extra={"missing": missing})
                warned = True
            await asyncio.sleep(poll_s)
    finally:
        await nc.close()
