"""Settings shared by every service (env prefix `NECTAR_`).

A service's own settings class uses its own prefix (`EDGE_`, `MEMORY_`, ...) and holds an
`InfraSettings` in `infra`, so operators set shared infrastructure once.
"""

from __future__ import annotations

import socket
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class InfraSettings(BaseSettings):
    """Connection and runtime knobs every service shares."""

    model_config = SettingsConfigDict(env_prefix="NECTAR_", extra="ignore")

    nats_url: str = Field("nats://127.0.0.1:4222", description="NATS server(s), comma-separated.")
    nats_user: str | None = Field(
        None, description="NATS user of this process. Each service has its own, with the "
        "permissions generated from its contracts (`nectar deploy render`: "
        "deploy/nats/permissions.json). Unset: credentials in the URL, if any.")
    nats_password: SecretStr | None = Field(None, description="Password of `NATS_USER`.")
    streams_wait_s: float = Field(120.0, gt=0, description="How long a starting service waits "
                                  "for its JetStream streams, which it never creates: the "
                                  "streams job does (`python -m nectar_runtime.streams`).")
    redis_url: str = Field("redis://127.0.0.1:6380/0",
                           description="Redis for idempotency keys and hot state.")
    log_level: str = Field("INFO", description="Log level of the JSON logs.")
    service_http_host: str = Field("127.0.0.1", description="Bind address of the HTTP port "
                                   "(/healthz, /readyz, /metrics, webhooks).")
    service_http_port: int | None = Field(None, description="HTTP port; each service has its "
                                          "own default.")
    otel_exporter_otlp_endpoint: str | None = Field(
        None, description="OTLP/HTTP traces endpoint, e.g. http://otel-collector:4318. Unset: "
        "no OTLP export.")
    otel_spans_file: Path | None = Field(
        None, description="Also write finished spans as JSON lines to this file (local stack "
        "and tests).")
    max_deliveries: int = Field(5, ge=1, description="Deliveries of one message before it is "
                                "dead-lettered.")
    max_waits: int = Field(100, ge=1, description="Deliveries of one message whose handler "
                           "keeps asking to wait (`Retry`, e.g. Telegram 429) before it is "
                           "dead-lettered.")
    backoff_base_s: float = Field(0.5, gt=0, description="First redelivery delay; doubles per "
                                  "attempt.")
    backoff_max_s: float = Field(30.0, gt=0, description="Cap of the redelivery delay.")
    ack_wait_s: float = Field(60.0, gt=0, description="JetStream ack wait: an unacked message "
                              "is redelivered after this (crashed consumer).")
    publish_timeout_s: float = Field(5.0, gt=0, description="How long a publish waits for "
                                     "JetStream's ack before it fails (FastStream's default "
                                     "of 0.5 s fails under load).")
    max_in_flight: int = Field(16, ge=1, description="Messages handled concurrently per "
                               "consumer in one replica.")
    idempotency_ttl_s: int = Field(7 * 24 * 3600, description="How long processed event ids "
                                   "are remembered.")
    shutdown_grace_s: float = Field(15.0, description="Time in-flight handlers get to finish "
                                    "on SIGTERM before their messages are left to redelivery.")
    stream_replicas: int = Field(1, ge=1, le=5, description="JetStream replicas of each "
                                 "stream (3 on a NATS cluster).")
    instance_id: str = Field(default_factory=socket.gethostname,
                             description="Replica name in logs and traces.")


class ConfigurationError(Exception):
    """The service cannot start as configured: a setting asks for something that is not there
    (an adapter not built yet, a missing secret). Raised by a composition root; the message
    names the setting and what to do. `nectar_runtime.run` prints it and exits with status 2,
    so an operator reads one line instead of a traceback."""
