"""deploy/compose.yaml (for Docker users) and the Docker-free local stack must agree: same
services, same environment variable names, same host ports, a Dockerfile per service."""

from __future__ import annotations

from pathlib import Path

import yaml

from nectar_devstack.config import StackConfig
from nectar_devstack.stack import Stack

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["telegram_edge", "memory", "llm", "media", "voice", "billing"]
#: local-only variables the compose file deliberately does not set (compose runs NATS
#: without the per-service users: deploy/compose.yaml's header says so)
LOCAL_ONLY = {"PATH", "HOME", "PYTHONUNBUFFERED", "NECTAR_OTEL_SPANS_FILE",
              "NECTAR_SERVICE_NAME", "NECTAR_NATS_USER", "NECTAR_NATS_PASSWORD"}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())


def test_compose_has_every_component_of_the_local_stack(tmp_path: Path) -> None:
    config = StackConfig.from_env({"NECTAR_DATA_DIR": str(tmp_path)})
    compose = _compose()["services"]
    for name in [*SERVICES, "nats", "postgres", "redis", "chroma", "s3", "telegram_emulator",
                 "openrouter_emulator"]:
        assert name in compose, f"{name} missing from deploy/compose.yaml"
    for name, port in config.service_ports.items():
        assert compose[name]["ports"] == [f"{port}:{port}"]
        assert compose[name]["environment"]["NECTAR_SERVICE_HTTP_PORT"] == str(port)


def test_compose_sets_the_same_variables_as_the_local_stack(tmp_path: Path,
                                                            monkeypatch) -> None:
    for var in ("TELEGRAM_BOT_TOKEN", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    stack = Stack(StackConfig.from_env({"NECTAR_DATA_DIR": str(tmp_path)}))
    compose = _compose()["services"]
    for service in SERVICES:
        local = {k for k in stack.env(service) if k not in LOCAL_ONLY}
        # a service only needs its own prefix and the shared NECTAR_ ones
        prefix = {"telegram_edge": "EDGE_"}.get(service, service.upper() + "_")
        local = {k for k in local if k.startswith(("NECTAR_", prefix))}
        composed = set(compose[service]["environment"]) - {
            "NECTAR_OTEL_EXPORTER_OTLP_ENDPOINT"}
        assert local == composed, f"{service}: local-only {local - composed}, " \
                                  f"compose-only {composed - local}"


def test_every_service_is_built_from_the_one_dockerfile_with_its_own_module(
        tmp_path: Path) -> None:
    import tomllib

    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert 'exec python -m \\"$NECTAR_MODULE\\"' in dockerfile and "USER 10001" in dockerfile
    assert not list((ROOT / "services").glob("*/Dockerfile")), "one Dockerfile, not copies"
    ports = StackConfig.from_env({"NECTAR_DATA_DIR": str(tmp_path)}).service_ports
    for service in SERVICES:
        build = _compose()["services"][service]["build"]
        assert build["dockerfile"] == "deploy/Dockerfile"
        module = {"telegram_edge": "nectar_edge"}.get(service, f"nectar_{service}")
        assert build["args"]["MODULE"] == module
        assert build["args"]["PORT"] == str(ports[service])
        project = tomllib.loads((ROOT / "services" / service / "pyproject.toml").read_text())
        assert build["args"]["PACKAGE"] == project["project"]["name"]
        assert (ROOT / "services" / service / "src" / module / "__main__.py").exists()
