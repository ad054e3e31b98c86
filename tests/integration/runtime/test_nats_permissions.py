"""Per-service NATS permissions against the real nats-server of the test stack.

The stack's server runs with the users of `deploy/nats/permissions.json`, generated from each
service's code (`nectar deploy render`). A service's user publishes its own events and works
its own consumers; it cannot publish another service's event, read another service's
consumer or inbox, subscribe to event subjects, or touch a stream's configuration.
(The e2e suite runs every service as its own user end to end.)
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.js.errors import NotFoundError

from nectar_contracts import ALL_EVENTS, ContextReady, DeadLettered, ReplyReady

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
PERMISSIONS = json.loads((ROOT / "deploy" / "nats" / "permissions.json").read_text())
SERVICES = sorted(set(PERMISSIONS["users"]) - {"admin", "streams"})


class Connection:
    """A connection as one user that records the server's permission violations."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.nc: Any = None

    async def open(self, infra, user: str) -> Connection:
        url, password = infra.nats_user(user)

        async def on_error(exc: Exception) -> None:
            if "permissions violation" in str(exc).lower():
                self.violations.append(str(exc))

        self.nc = await nats.connect(url, user=user, password=password, error_cb=on_error,
                                     inbox_prefix=f"_INBOX.{user}", allow_reconnect=False)
        return self

    async def violated(self, fragment: str, timeout: float = 3.0) -> bool:
        """Whether the server reported a violation naming `fragment` (waits for it)."""
        try:
            async with asyncio.timeout(timeout):
                while not any(fragment.lower() in v.lower() for v in self.violations):
                    await asyncio.sleep(0.02)
        except TimeoutError:
            raise AssertionError(f"no violation naming {fragment!r}; reported: "
                                 f"{self.violations}") from None
        return True

    async def close(self) -> None:
        await self.nc.close()


@pytest.fixture
async def connect(infra):
    opened: list[Connection] = []

    async def open_as(user: str) -> Connection:
        conn = await Connection().open(infra, user)
        opened.append(conn)
        return conn

    yield open_as
    for conn in opened:
        await conn.close()


async def _count(js, stream: str, subject: str) -> int:
    try:
        info = await js.stream_info(stream, subjects_filter=subject)
    except NotFoundError:
        return 0
    return sum((info.state.subjects or {}).values())


async def test_a_service_publishes_its_own_event_but_not_another_services(connect,
                                                                         infra) -> None:
    admin = await connect("admin")
    js_admin = admin.nc.jetstream()
    memory = await connect("memory")
    user_id = 7_100_000_001
    own = ContextReady.subject_template.format(user_id=user_id)
    foreign = ReplyReady.subject_template.format(user_id=user_id)  # llm's event

    ack = await memory.nc.jetstream().publish(own, b"{}", stream="CHAT", timeout=5)
    assert ack.stream == "CHAT"

    with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError)):
        await memory.nc.jetstream().publish(foreign, b"{}", stream="CHAT", timeout=1)
    assert await memory.violated(f'Publish to "{foreign}"')
    assert await _count(js_admin, "CHAT", foreign) == 0, "the foreign event was stored"
    assert await _count(js_admin, "CHAT", own) == 1
    # not a real event: no consumer of the session's stream may ever see it
    await js_admin.delete_msg("CHAT", ack.seq)


@pytest.mark.parametrize("service", SERVICES)
async def test_no_service_may_publish_an_event_it_does_not_produce(connect, service) -> None:
    allowed = set(PERMISSIONS["users"][service]["publish"])
    conn = await connect(service)
    user_id = 7_100_000_002
    foreign = [e for e in ALL_EVENTS
               if e is not DeadLettered and e.subscription_subject() not in allowed]
    assert foreign, f"{service} may publish every event"
    for event in foreign:
        subject = event.subject_template.format(user_id=user_id)
        await conn.nc.publish(subject, b"{}")
        assert await conn.violated(f'Publish to "{subject}"'), subject


async def test_a_service_cannot_read_another_services_consumer_inbox_or_events(
        connect) -> None:
    memory = await connect("memory")
    # pull from llm's durable consumer
    await memory.nc.publish("$JS.API.CONSUMER.MSG.NEXT.CHAT.llm-context_ready", b"{}",
                            reply="_INBOX.memory.x")
    assert await memory.violated("CONSUMER.MSG.NEXT.CHAT.llm-context_ready")
    # listen on llm's inbox (where llm's pulled messages and acks arrive)
    await memory.nc.subscribe("_INBOX.llm.>")
    assert await memory.violated('Subscription to "_INBOX.llm.>"')
    # read events as they are published, bypassing JetStream consumers
    await memory.nc.subscribe("nectar.chat.>")
    assert await memory.violated('Subscription to "nectar.chat.>"')
    # create a consumer of its own on a stream it does not use
    await memory.nc.publish("$JS.API.CONSUMER.DURABLE.CREATE.BILLING.snoop", b"{}")
    assert await memory.violated("CONSUMER.DURABLE.CREATE.BILLING.snoop")


async def test_only_the_streams_user_changes_streams(connect) -> None:
    billing = await connect("billing")
    # the ledger's stream: a service able to update it could shorten its retention
    await billing.nc.publish("$JS.API.STREAM.UPDATE.BILLING", b"{}")
    assert await billing.violated("STREAM.UPDATE.BILLING")
    await billing.nc.publish("$JS.API.STREAM.DELETE.BILLING", b"{}")
    assert await billing.violated("STREAM.DELETE.BILLING")

    streams = await connect("streams")
    info = await streams.nc.jetstream().stream_info("BILLING")
    assert info.config.name == "BILLING"
    subject = "nectar.billing.1.user_created"
    await streams.nc.publish(subject, b"{}")
    assert await streams.violated(f'Publish to "{subject}"')


async def test_a_wrong_password_is_refused(infra) -> None:
    url, _ = infra.nats_user("memory")
    with pytest.raises(Exception) as caught:
        await nats.connect(url, user="memory", password="not-the-password",
                           allow_reconnect=False, max_reconnect_attempts=0,
                           connect_timeout=3)
    assert "authorization" in repr(caught.value).lower() or \
        "authorization" in str(caught.value).lower()
