"""NATS access of a service (connection options, permissions from what it consumes and
publishes) and the metrics of its own routes."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from nectar_contracts import (
    ContextReady,
    Event,
    PlanChanged,
    ReplyReady,
    TurnReceived,
    UserCreated,
)
from nectar_runtime import InfraSettings, On, Runtime, ServiceSpec, subscriptions
from nectar_runtime.access import connect_options, service_permissions, streams_permissions


async def _noop(event: Event, deps: object) -> Sequence[Event]:
    return []


def test_connect_options_give_a_user_its_private_inbox() -> None:
    infra = InfraSettings(nats_url="nats://a:4222,nats://b:4222", nats_user="memory",
                          nats_password=SecretStr("pw"))
    assert connect_options(infra) == {"servers": ["nats://a:4222", "nats://b:4222"],
                                      "user": "memory", "password": "pw",
                                      "inbox_prefix": "_INBOX.memory"}
    anonymous = connect_options(InfraSettings(nats_url="nats://admin:x@a:4222"))
    assert "user" not in anonymous and anonymous["inbox_prefix"] == "_INBOX"


def test_permissions_follow_what_a_service_consumes_and_publishes() -> None:
    subs = subscriptions("memory", {
        TurnReceived: On(_noop, "turns"),
        UserCreated: On(_noop, "users", ordered=False),
    }, deps=None)
    perms = service_permissions("memory", subs, [ContextReady])
    publish = set(perms["publish"])
    assert "nectar.chat.*.context_ready" in publish
    assert ReplyReady.subscription_subject() not in publish
    assert {"nectar.dlq.memory-turn_received", "nectar.dlq.memory-user_created"} <= publish
    assert "$JS.API.CONSUMER.MSG.NEXT.CHAT.memory-turn_received" in publish
    assert "$JS.ACK.BILLING.memory-user_created.>" in publish
    # ordered consumers look a user's earlier message up with a direct get; unordered not
    assert "$JS.API.DIRECT.GET.CHAT" in publish
    assert "$JS.API.DIRECT.GET.BILLING" not in publish
    assert {p for p in publish if p.startswith("$JS.API.STREAM.")} == {
        "$JS.API.STREAM.INFO.CHAT", "$JS.API.STREAM.INFO.BILLING", "$JS.API.STREAM.INFO.DLQ"}
    assert perms["subscribe"] == ["_INBOX.memory.>"]
    # no wildcard beyond the user token of an event subject, and no event subscription
    assert not [p for p in publish if p in (">", "nectar.>", "$JS.API.>")]


def test_events_read_back_by_subject_grant_only_their_last_message_lookup() -> None:
    perms = service_permissions("telegram_edge", [], [], reads=[PlanChanged, UserCreated])
    publish = set(perms["publish"])
    assert publish >= {"$JS.API.DIRECT.GET.BILLING.nectar.billing.*.plan_changed",
                       "$JS.API.DIRECT.GET.BILLING.nectar.billing.*.user_created"}
    # neither the stream-wide lookup nor the (leader-only) message get API
    assert "$JS.API.DIRECT.GET.BILLING" not in publish
    assert not [p for p in publish if p.startswith("$JS.API.STREAM.MSG.GET")]


def test_only_the_streams_user_may_create_or_update_streams() -> None:
    perms = streams_permissions()
    assert "$JS.API.STREAM.UPDATE.BILLING" in perms["publish"]
    assert not [p for p in perms["publish"] if p.startswith("nectar.")]


async def test_own_routes_are_counted_by_status_probes_are_not() -> None:
    registry = CollectorRegistry()
    runtime = Runtime("billing", InfraSettings(), registry=registry,
                      tracer_provider=TracerProvider())

    async def hook(request: Request) -> JSONResponse:
        return JSONResponse({"ok": False}, status_code=503)

    app = runtime.build(ServiceSpec(routes=[Route("/webhooks/x", hook, methods=["POST"])]))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://t") as client:
        assert (await client.post("/webhooks/x")).status_code == 503
        await client.post("/webhooks/x")
        await client.get("/healthz")

    def value(name: str, **labels: str) -> float | None:
        return registry.get_sample_value(name, labels)

    assert value("nectar_http_requests_total", service="billing", route="/webhooks/x",
                 status="503") == 2
    assert value("nectar_http_request_seconds_count", service="billing",
                 route="/webhooks/x") == 2
    assert value("nectar_http_requests_total", service="billing", route="/healthz",
                 status="200") is None
