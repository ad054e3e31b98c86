"""OpenTelemetry tracing: one trace per turn across services.

W3C trace context travels in NATS headers (`traceparent`); FastStream's telemetry middleware
extracts it when a message is consumed and injects it when one is published, so a turn that
crosses edge -> memory -> llm -> edge is a single trace.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)


class JsonLinesSpanExporter(SpanExporter):
    """Appends finished spans to a file as JSON lines (local stack and tests read it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = []
        for span in spans:
            ctx = span.get_span_context()
            parent = span.parent
            lines.append(json.dumps({
                "trace_id": format(ctx.trace_id, "032x"),
                "span_id": format(ctx.span_id, "016x"),
                "parent_span_id": format(parent.span_id, "016x") if parent else None,
                "name": span.name,
                "service": span.resource.attributes.get("service.name"),
                "start_ns": span.start_time,
                "end_ns": span.end_time,
                "attributes": {k: v for k, v in (span.attributes or {}).items()
                               if isinstance(v, str | int | float | bool)},
            }))
        with self._lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:  # nothing to release
        return None


def configure_tracing(service: str, instance: str, otlp_endpoint: str | None,
                      spans_file: Path | None) -> TracerProvider:
    """Build the tracer provider for a service; exporters as configured."""
    provider = TracerProvider(resource=Resource.create({
        "service.name": service, "service.instance.id": instance, "service.namespace": "nectar",
    }))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(
            OTLPSpanExporter(endpoint=otlp_endpoint.rstrip("/") + "/v1/traces")))
    if spans_file:
        provider.add_span_processor(SimpleSpanProcessor(JsonLinesSpanExporter(spans_file)))
    return provider
