"""The composition of a running service: broker, bus, consumers, HTTP port, lifecycle.

A service builds its dependencies, hands its subscriptions and routes to a `Runtime`, and
gets back an ASGI app (Starlette) that serves `/healthz`, `/readyz`, `/metrics`,
`/asyncapi.json` and its own routes, and that starts and stops the broker in its lifespan.
Nothing connects before the lifespan starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import uvicorn
from faststream.nats import JStream, NatsBroker, PullSub
from faststream.nats.opentelemetry import NatsTelemetryMiddleware
from faststream.nats.prometheus import NatsPrometheusMiddleware
from faststream.specification import AsyncAPI
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from pydantic import ValidationError
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from nectar_contracts import Event
from nectar_runtime.access import connect_options, service_permissions, streams_used
from nectar_runtime.bus import (
    Consumer,
    EventBus,
    PullFeed,
    Subscription,
    await_streams,
    ensure_consumer,
)
from nectar_runtime.idempotency import ProcessedStore, RedisProcessedStore
from nectar_runtime.lifecycle import Managed
from nectar_runtime.logging import configure_logging
from nectar_runtime.metrics import BusMetrics
from nectar_runtime.settings import ConfigurationError, InfraSettings
from nectar_runtime.telemetry import configure_tracing

log = logging.getLogger("nectar.service")

Check = Callable[[], Awaitable[Any]]


@dataclass
class ServiceSpec:
    """What a service contributes to its runtime."""

    subscriptions: Sequence[Subscription] = ()
    #: events it publishes (documented in its AsyncAPI)
    publishes: Sequence[type[Event]] = ()
    #: events it reads back from their stream by subject (JetStream direct get of the last
    #: message, e.g. the edge's plan refill from billing's events), without consuming them
    reads: Sequence[type[Event]] = ()
    routes: Sequence[BaseRoute] = ()
    #: adapters with a lifecycle, by name: started in this order before the consumers, closed
    #: in reverse order after them, and checked by /readyz (`nectar_runtime.lifecycle`)
    managed: Mapping[str, Managed] = field(default_factory=dict)
    #: names in `managed` whose failing check only degrades the service: reported under
    #: `degraded` in /readyz without failing readiness (the service still does its job)
    optional: Collection[str] = ()
    #: long-running tasks (pollers, relays); cancelled on shutdown
    background: Sequence[Callable[[], Awaitable[None]]] = ()


class Runtime:
    """Broker, bus, idempotency store and telemetry of one service process."""

    def __init__(self, service: str, infra: InfraSettings, *, redis: Redis | None = None,
                 processed: ProcessedStore | None = None,
                 registry: CollectorRegistry = REGISTRY,
                 tracer_provider: TracerProvider | None = None) -> None:
        self.service = service
        self.infra = infra
        self.registry = registry
        self.metrics = BusMetrics.for_registry(registry)
        self.tracer_provider = tracer_provider or configure_tracing(
            service, infra.instance_id, infra.otel_exporter_otlp_endpoint,
            infra.otel_spans_file)
        self.tracer = self.tracer_provider.get_tracer(f"nectar.{service}")
        options = connect_options(infra)
        security = None
        if "user" in options:
            from faststream.nats.security import NatsUserPassword

            security = NatsUserPassword(options["user"], options["password"])
        self.broker = NatsBroker(
            options["servers"],
            security=security,
            inbox_prefix=options["inbox_prefix"],
            name=f"nectar-{service}-{infra.instance_id}",
            apply_types=False,
            graceful_timeout=infra.shutdown_grace_s,
            max_reconnect_attempts=-1,
            middlewares=[
                NatsTelemetryMiddleware(tracer_provider=self.tracer_provider),
                NatsPrometheusMiddleware(registry=registry, app_name=f"nectar_{service}"),
            ],
            logger=logging.getLogger(f"nectar.{service}.broker"),
        )
        #: never connected: holds the subscribers and publishers the AsyncAPI document
        #: describes (consumption itself runs on `PullFeed`s, see `nectar_runtime.bus`)
        self.spec_broker = NatsBroker(infra.nats_url.split(","), apply_types=False)
        self.bus = EventBus(self.broker, service, self.metrics, infra.publish_timeout_s)
        self.redis = redis or Redis.from_url(infra.redis_url, socket_timeout=5,
                                             socket_connect_timeout=5)
        self.processed = processed or RedisProcessedStore(self.redis, infra.idempotency_ttl_s)
        self.consumers: list[Consumer] = []
        #: the events this service publishes (`ServiceSpec.publishes`, set by `build`)
        self.publishes: list[type[Event]] = []
        #: the events read back by subject (`ServiceSpec.reads`, set by `build`)
        self.reads: list[type[Event]] = []
        self.feeds: list[PullFeed] = []
        self.started = False
        self._up: dict[str, bool] = {}
        self._redis_policy: str | None = None

    def subscribe(self, sub: Subscription) -> Consumer:
        consumer = Consumer(sub, self.bus, self.processed, self.infra, self.service,
                            self.metrics, self.tracer)
        self._document_subscriber(sub)
        self.consumers.append(consumer)
        return consumer

    def _document_subscriber(self, sub: Subscription) -> None:
        async def subscriber(body: Any) -> None:  # documentation only; never called
            raise NotImplementedError

        # FastStream reads the payload schema for AsyncAPI from this annotation.
        payload_type: Any = sub.events[0]
        for extra in sub.events[1:]:
            payload_type = payload_type | extra
        subscriber.__annotations__ = {"body": payload_type, "return": None}
        subscriber.__name__ = subscriber.__qualname__ = f"on_{sub.name.replace('-', '_')}"
        self.spec_broker.subscriber(
            sub.filter_subject, stream=JStream(sub.stream, declare=False), durable=sub.name,
            pull_sub=PullSub(batch_size=sub.in_flight(self.infra), timeout=1.0),
            title=f"{sub.filter_subject}:{subscriber.__name__}",
            description=sub.description or None,
        )(subscriber)

    def document_publisher(self, event: type[Event]) -> None:
        """Declare an event this service publishes, for its AsyncAPI document."""
        self.spec_broker.publisher(
            event.subscription_subject().replace("*", "{user_id}"), schema=event,
            title=f"{event.subscription_subject()}:{event.__name__}",
            description=(event.__doc__ or "").strip() or None,
        )

    def streams(self) -> list[str]:
        """The JetStream streams this service reads or writes."""
        return streams_used([c.sub for c in self.consumers], self.publishes)

    def nats_permissions(self, user: str | None = None) -> dict[str, list[str]]:
        """The NATS permissions this service needs, from what it consumes and publishes
        (`nectar_runtime.access`); its user is named after the service by default."""
        return service_permissions(user or self.service, [c.sub for c in self.consumers],
                                   self.publishes, self.reads)

    def asyncapi(self) -> dict[str, Any]:
        """The AsyncAPI 3.0 document FastStream generates for this service."""
        spec = AsyncAPI(self.spec_broker, title=f"nectar-{self.service}", version="1.0.0",
                        description=f"Events consumed and published by the {self.service} "
                        "service.")
        return spec.to_specification().to_jsonable()

    async def start_consumers(self) -> None:
        """Create or update each durable consumer and start feeding it."""
        nc = self.broker.connection
        for consumer in self.consumers:
            await ensure_consumer(nc, consumer.sub, self.infra)
            feed = PullFeed(nc, consumer.sub.stream, consumer.sub.name,
                            consumer.sub.in_flight(self.infra), consumer,
                            heartbeat_s=min(5.0, consumer.heartbeat_s))
            await feed.start()
            self.feeds.append(feed)

    async def stop_consumers(self) -> None:
        """Stop every feed; in-flight handlers get the shutdown grace to finish."""
        feeds, self.feeds = self.feeds, []
        await asyncio.gather(*(feed.stop(self.infra.shutdown_grace_s) for feed in feeds))

    def build(self, spec: ServiceSpec) -> Starlette:
        """Register the spec and return the service's ASGI app."""
        for sub in spec.subscriptions:
            self.subscribe(sub)
        self.reads.extend(spec.reads)
        for event in spec.publishes:
            self.document_publisher(event)
            self.publishes.append(event)
        required: dict[str, Check] = {"nats": self._check_nats, "redis": self._check_redis}
        degradable: dict[str, Check] = {}
        for name, managed in spec.managed.items():
            (degradable if name in spec.optional else required)[name] = managed.check
        tasks: list[asyncio.Task[None]] = []

        async def healthz(_: Request) -> Response:
            return JSONResponse({"status": "ok", "service": self.service})

        async def readyz(_: Request) -> Response:
            failing = await self._run_checks(required)
            if not self.started:
                failing = {"startup": "not started", **failing}
            degraded = await self._run_checks(degradable)
            status = 200 if not failing else 503
            return JSONResponse({"service": self.service,
                                 "status": "ready" if not failing else "not ready",
                                 "failing": failing, "degraded": degraded},
                                status_code=status)

        async def metrics(_: Request) -> Response:
            return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)

        async def asyncapi(_: Request) -> Response:
            return JSONResponse(self.asyncapi())

        @contextlib.asynccontextmanager
        async def lifespan(_: Starlette) -> AsyncIterator[None]:
            await await_streams(connect_options(self.infra), self.streams(),
                                self.infra.streams_wait_s)
            opened: list[tuple[str, Managed]] = []
            try:
                for name, managed in spec.managed.items():
                    await managed.start()
                    opened.append((name, managed))
                await self.broker.start()
                await self.start_consumers()
                for job in spec.background:
                    tasks.append(asyncio.create_task(_supervise(job), name=job.__name__))
                self.started = True
                log.info("service started", extra={"consumers": [c.sub.name for c in
                                                                  self.consumers]})
                yield
            finally:
                self.started = False
                log.info("service stopping: draining in-flight messages")
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await self.stop_consumers()
                await self.broker.stop()
                for name, managed in reversed(opened):
                    try:
                        await managed.close()
                    except Exception:  # closing the rest matters more
                        log.warning("close failed", extra={"managed": name}, exc_info=True)
                await self.redis.aclose()
                self.tracer_provider.force_flush()
                log.info("service stopped")

        routes: list[BaseRoute] = [
            Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics),
            Route("/asyncapi.json", asyncapi), *spec.routes,
        ]
        own = {path for route in spec.routes if (path := getattr(route, "path", None))}
        return Starlette(routes=routes, lifespan=lifespan,
                         middleware=[Middleware(_RouteMetrics, service=self.service,
                                                paths=own, metrics=self.metrics)])

    async def _run_checks(self, checks: Mapping[str, Check]) -> dict[str, str]:
        """Run readiness checks concurrently; name -> reason for each that failed. Each
        dependency's state is exported (`nectar_dependency_up`) and a change is logged."""
        async def one(check: Check) -> str | None:
            try:
                await asyncio.wait_for(check(), timeout=2)
            except Exception as exc:  # every failure is a reason, reported
                return f"{type(exc).__name__}: {exc}"[:300]
            return None

        results = await asyncio.gather(*(one(check) for check in checks.values()))
        failing = {}
        for name, reason in zip(checks, results, strict=True):
            up = reason is None
            if self._up.get(name, True) != up:
                (log.info if up else log.warning)(
                    "dependency back" if up else "dependency not usable",
                    extra={"dependency": name, "error": reason})
            self._up[name] = up
            self.metrics.dependency_up.labels(self.service, name).set(1 if up else 0)
            if reason is not None:
                failing[name] = reason
        return failing

    async def _check_redis(self) -> None:
        """Redis answers, and does not evict keys: idempotency claims, delivery records and
        plan state live there, and an evicted one means a duplicate or a wrong plan."""
        await self.redis.ping()
        if self._redis_policy is None:
            try:
                config = await self.redis.config_get("maxmemory-policy")
            except Exception:  # managed Redis may refuse CONFIG: trust the operator
                self._redis_policy = "unknown"
            else:
                policy = config.get("maxmemory-policy") or config.get(b"maxmemory-policy")
                self._redis_policy = policy.decode() if isinstance(policy, bytes) else \
                    str(policy or "unknown")
        if self._redis_policy not in ("noeviction", "unknown"):
            raise RuntimeError(f"redis evicts keys (maxmemory-policy={self._redis_policy}); "
                               "Nectar keeps idempotency, delivery and plan state there: run "
                               "it with maxmemory-policy noeviction")

    async def _check_nats(self) -> None:
        if not await self.broker.ping(timeout=1.5):
            raise ConnectionError("NATS not reachable")


class _RouteMetrics:
    """Counts the answers of a service's own routes (webhooks) by status, and their time:
    `nectar_http_requests_total`, `nectar_http_request_seconds` (probes are not counted)."""

    def __init__(self, app: Any, service: str, paths: Collection[str],
                 metrics: BusMetrics) -> None:
        self.app, self.service, self.paths, self.metrics = app, service, set(paths), metrics

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path") if scope["type"] == "http" else None
        if path not in self.paths:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self.metrics.http_requests.labels(self.service, path, str(status)).inc()
            self.metrics.http_seconds.labels(self.service, path).observe(
                time.perf_counter() - started)


async def _supervise(job: Callable[[], Awaitable[None]]) -> None:
    """Run a background job forever, restarting it after a crash with a pause."""
    while True:
        try:
            await job()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background job crashed; restarting in 1 s",
                          extra={"job": getattr(job, "__name__", str(job))})
            await asyncio.sleep(1)


def serve(app: Starlette, service: str, infra: InfraSettings, default_port: int) -> None:
    """Run a service's app under uvicorn until SIGTERM/SIGINT (graceful)."""
    configure_logging(service, infra.log_level)
    config = uvicorn.Config(
        app, host=infra.service_http_host, port=infra.service_http_port or default_port,
        log_config=None, access_log=False, lifespan="on",
        timeout_graceful_shutdown=int(infra.shutdown_grace_s),
    )
    uvicorn.Server(config).run()


class _ServiceSettings(Protocol):
    @property
    def infra(self) -> InfraSettings: ...


SettingsT = TypeVar("SettingsT", bound=_ServiceSettings)


def run(service: str, load_settings: Callable[[], SettingsT],
        create_app: Callable[[SettingsT], tuple[Starlette, Runtime]], default_port: int) -> None:
    """`python -m nectar_<service>`: settings from the environment, the app, then `serve`.

    Settings that do not validate, or that ask for something not wired
    (`ConfigurationError`), stop the process before anything connects: the message goes to
    stderr and the exit status is 2."""
    try:
        settings = load_settings()
        app, _ = create_app(settings)
    except (ValidationError, ConfigurationError) as exc:
        print(f"nectar-{service} cannot start: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    serve(app, service, settings.infra, default_port)
