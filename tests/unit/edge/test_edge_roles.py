"""EDGE_ROLE splits intake (webhook, acknowledged at once) from work (handling, delivery)."""

from __future__ import annotations

import pytest
from nectar_edge.app import create_app
from nectar_edge.settings import EdgeSettings
from nectar_runtime import InfraSettings, Runtime
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry


def _build(role: str):
    settings = EdgeSettings(telegram_bot_token="123:abcdefghijabcdefghijabcdefghij",
                            webhook_url="http://edge/telegram/webhook",
                            webhook_secret="s3cret", role=role)
    runtime = Runtime("telegram_edge", InfraSettings(), registry=CollectorRegistry(),
                      tracer_provider=TracerProvider())
    app, runtime = create_app(settings, runtime=runtime)
    paths = {getattr(route, "path", None) for route in app.routes}
    return paths, {c.sub.name for c in runtime.consumers}


@pytest.mark.parametrize(("role", "webhook", "handles", "delivers"), [
    ("all", True, True, True),
    ("intake", True, False, False),
    ("worker", False, True, True),
])
def test_a_role_decides_what_the_process_does(role, webhook, handles, delivers) -> None:
    paths, consumers = _build(role)
    assert ("/telegram/webhook" in paths) is webhook
    assert ("edge-update_received" in consumers) is handles
    assert ("edge-reply_ready" in consumers) is delivers
    assert {"/healthz", "/readyz", "/metrics"} <= paths


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError, match="role"):
        EdgeSettings(telegram_bot_token="123:abcdefghijabcdefghijabcdefghij", role="both")
