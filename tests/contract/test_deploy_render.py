"""What deployment derives from the code is generated and committed current
(`nectar deploy render`): NATS permissions, the NATS chart's users, KEDA ScaledObjects."""

from __future__ import annotations

import json

import yaml

from nectar_cli.asyncapi_docs import runtimes
from nectar_cli.deploy_render import PERMISSIONS, REPO_ROOT, SCALED, SCALED_OBJECTS, render


def test_generated_deploy_files_are_current() -> None:
    for path, text in render().items():
        rel = path.relative_to(REPO_ROOT)
        assert path.exists(), f"{rel} is missing: run `nectar deploy render`"
        assert path.read_text() == text, f"{rel} is stale: run `nectar deploy render`"


def test_every_consumer_of_a_scaled_service_has_a_trigger_and_a_permission() -> None:
    built = runtimes()
    objects = {o["metadata"]["name"]: o for o in yaml.safe_load_all(SCALED_OBJECTS.read_text())}
    users = json.loads(PERMISSIONS.read_text())["users"]
    for scaled in SCALED:
        triggers = objects[scaled.deployment]["spec"]["triggers"]
        wanted = {(c.sub.stream, c.sub.name) for c in built[scaled.service].consumers}
        assert wanted, f"{scaled.service} consumes nothing"
        got = {(t["metadata"]["stream"], t["metadata"]["consumer"]) for t in triggers}
        assert got == wanted
    for service, runtime in built.items():
        publish = set(users[service]["publish"])
        for consumer in runtime.consumers:
            sub = consumer.sub
            assert f"$JS.API.CONSUMER.MSG.NEXT.{sub.stream}.{sub.name}" in publish
            assert f"nectar.dlq.{sub.name}" in publish
        for event in runtime.publishes:
            assert event.subscription_subject() in publish
        assert users[service]["subscribe"] == [f"_INBOX.{service}.>"]
