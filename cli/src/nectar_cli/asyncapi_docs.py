"""Build every service's app (nothing connects) and ask FastStream for its AsyncAPI."""

from __future__ import annotations

import functools
import importlib
from typing import Any

from nectar_runtime import InfraSettings, Runtime

#: service name -> (module with create_app, settings class path)
SERVICES = {
    "telegram_edge": ("nectar_edge.app", "nectar_edge.settings", "EdgeSettings"),
    "memory": ("nectar_memory.app", "nectar_memory.settings", "MemorySettings"),
    "llm": ("nectar_llm.app", "nectar_llm.settings", "LlmSettings"),
    "media": ("nectar_media.app", "nectar_media.settings", "MediaSettings"),
    "voice": ("nectar_voice.app", "nectar_voice.settings", "VoiceSettings"),
    "billing": ("nectar_billing.app", "nectar_billing.settings", "BillingSettings"),
}

#: settings a service cannot start without; documents need none of their real values
REQUIRED = {"telegram_edge": {"telegram_bot_token": "123456789:DOCSdocsDOCSdocsDOCSdocsDOCS0000"},
            "media": {"comfyui_urls": "http://comfyui:8188"}}

#: fixed so the documents do not depend on the machine that generates them
DOC_INFRA = {"nats_url": "nats://nats:4222", "redis_url": "redis://redis:6379/0",
             "instance_id": "docs"}


@functools.cache
def runtimes() -> dict[str, Runtime]:
    """Every service's runtime with its app built (nothing connects): what it consumes
    (`runtime.consumers`), publishes (`runtime.publishes`) and exports (`runtime.registry`).
    Settings: `DOC_INFRA` and the defaults. Built once per process (read, never changed)."""
    from opentelemetry.sdk.trace import TracerProvider
    from prometheus_client import CollectorRegistry

    built = {}
    for service, (app_mod, settings_mod, settings_cls) in SERVICES.items():
        infra = InfraSettings(**DOC_INFRA)
        settings = getattr(importlib.import_module(settings_mod), settings_cls)(
            infra=infra, **REQUIRED.get(service, {}))
        runtime = Runtime(service, infra, registry=CollectorRegistry(),
                          tracer_provider=TracerProvider())
        importlib.import_module(app_mod).create_app(settings, runtime=runtime)
        built[service] = runtime
    return built


def documents() -> dict[str, dict[str, Any]]:
    return {service: runtime.asyncapi() for service, runtime in runtimes().items()}
