"""The HANDLERS index is load-bearing: what a service consumes is exactly its index."""

from __future__ import annotations

import importlib

import pytest
from nectar_cli.asyncapi_docs import DOC_INFRA, REQUIRED, SERVICES
from nectar_runtime import InfraSettings, Runtime, consumer_name
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry

#: service -> (handlers module, consumer prefix); every service is listed once converted
INDEXED = {
    "memory": ("nectar_memory.handlers", "memory"),
    "llm": ("nectar_llm.handlers", "llm"),
    "media": ("nectar_media.handlers", "media"),
    "voice": ("nectar_voice.handlers", "voice"),
    "telegram_edge": ("nectar_edge.handlers", "edge"),
    "billing": ("nectar_billing.handlers", "billing"),
}


@pytest.mark.parametrize("service", sorted(INDEXED))
def test_a_service_consumes_exactly_its_handlers_index(service: str) -> None:
    app_mod, settings_mod, settings_cls = SERVICES[service]
    handlers_mod, prefix = INDEXED[service]
    infra = InfraSettings(**DOC_INFRA)
    settings = getattr(importlib.import_module(settings_mod), settings_cls)(
        infra=infra, **REQUIRED.get(service, {}))
    runtime = Runtime(service, infra, registry=CollectorRegistry(),
                      tracer_provider=TracerProvider())
    importlib.import_module(app_mod).create_app(settings, runtime=runtime)
    index = importlib.import_module(handlers_mod).HANDLERS
    wired = {consumer.sub.name: consumer.sub.events for consumer in runtime.consumers}
    expected = {consumer_name(prefix, event): (event,) for event in index}
    assert wired == expected, "a consumed event without a handler in the index, or the " \
                              "other way round"
