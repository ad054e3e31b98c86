"""Unit-test wiring of the llm service: real handlers, fake chat model, private telemetry."""

from __future__ import annotations

import pytest
from llm_fakes import FALLBACK, LAST, PRIMARY, SUMMARIZER, FakeChatModel
from nectar_llm.bootstrap import build_deps
from nectar_llm.handlers import Deps
from nectar_llm.settings import LlmSettings
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry


@pytest.fixture
def settings() -> LlmSettings:
    return LlmSettings(primary_model=PRIMARY, fallback_models=[FALLBACK, LAST],
                       summary_model=SUMMARIZER, openrouter_api_key="sk-unit-secret")


@pytest.fixture
def fake_model() -> FakeChatModel:
    return FakeChatModel()


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def deps(settings, fake_model, spans, registry) -> Deps:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    return build_deps(settings, tracer=provider.get_tracer("test"), chat_model=fake_model,
                      registry=registry)
