"""Generated documents are committed and current: each service's AsyncAPI (FastStream) and
the configuration reference (settings classes)."""

from __future__ import annotations

import json

from nectar_cli.asyncapi_docs import documents
from nectar_cli.config_docs import render
from nectar_cli.contracts_cmd import ASYNCAPI_DIR
from nectar_contracts import ALL_EVENTS, DeadLettered


def test_asyncapi_documents_are_current() -> None:
    for service, doc in documents().items():
        committed = json.loads((ASYNCAPI_DIR / f"{service}.json").read_text())
        assert committed == json.loads(json.dumps(doc)), \
            f"docs/asyncapi/{service}.json is stale: run `nectar contracts asyncapi`"


#: (event, side) not wired yet, with the issue that wires it; the test below fails when one
#: gets wired, so this list only shrinks
PENDING: dict[tuple[str, str], str] = {
}


def test_every_event_has_a_publisher_and_a_consumer() -> None:
    published: set[str] = set()
    consumed: set[str] = set()
    for doc in documents().values():
        for channel in doc["channels"].values():
            address = channel["address"]
            if "{user_id}" in address:
                published.add(address.replace("{user_id}", "*"))
            else:
                consumed.add(address)
    for event in ALL_EVENTS:
        if event is DeadLettered:
            continue  # published by every service's runtime, read by operators
        subject = event.subscription_subject()
        for side, wired in (("published", published), ("consumed", consumed)):
            pending = (event.__name__, side) in PENDING
            if pending:
                assert subject not in wired, f"{event.__name__} is {side} now: drop it " \
                                             "from PENDING"
            else:
                assert subject in wired, f"{event.__name__} ({subject}) is {side} by no service"


def test_configuration_reference_is_current() -> None:
    committed = (ASYNCAPI_DIR.parent / "configuration.md").read_text()
    assert committed == render(), "docs/configuration.md is stale: run `nectar config docs`"
