"""Unit-test wiring of the llm service: real handlers, fake ports, private telemetry."""

from __future__ import annotations

from pathlib import Path

import pytest
from llm_fakes import FakeChatModel, FakeCooldowns, FakeCostGuard, write_routing
from nectar_llm.bootstrap import build_deps
from nectar_llm.handlers import Deps
from nectar_llm.settings import LlmSettings
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry


@pytest.fixture
def routing_path(tmp_path: Path) -> Path:
    return write_routing(tmp_path / "routing.toml")


@pytest.fixture
def settings(routing_path: Path) -> LlmSettings:
    return LlmSettings(routing_file=routing_path, openrouter_api_key="sk-unit-secret")


@pytest.fixture
def fake_model() -> FakeChatModel:
    return FakeChatModel()


@pytest.fixture
def cost_guard() -> FakeCostGuard:
    return FakeCostGuard()


@pytest.fixture
def cooldowns() -> FakeCooldowns:
    return FakeCooldowns()


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def deps(settings, fake_model, cost_guard, cooldowns, spans, registry) -> Deps:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    return build_deps(settings, tracer=provider.get_tracer("test"), chat_model=fake_model,
                      cost_guard=cost_guard, cooldowns=cooldowns, registry=registry)
