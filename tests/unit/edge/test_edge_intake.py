"""The update intake: dedupe by update_id, feed the dispatcher, release on failure."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from aiogram import Bot
from aiogram.types import Update
from edge_fakes import World
from nectar_contracts import TurnReceived
from nectar_edge.bot.dispatcher import build_dispatcher
from nectar_edge.entrypoints.updates import UpdateIntake
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

TOKEN = "777000:unit-test-token-not-real-abcdef"


@dataclass
class FakeSession:
    bot: Bot
    bot_id: int = 777000


class BrokenPublisher:
    def __init__(self) -> None:
        self.fail = True
        self.events: list = []

    async def publish_all(self, events) -> None:
        if self.fail:
            raise ConnectionError("NATS down")
        self.events.extend(events)


def _update(update_id: int, user: int = 8001) -> Update:
    return Update.model_validate({"update_id": update_id, "message": {
        "message_id": 1, "date": int(time.time()), "text": "hi",
        "chat": {"id": user, "type": "private", "first_name": "U"},
        "from": {"id": user, "is_bot": False, "first_name": "U"}}})


@pytest.fixture
async def bot():
    bot = Bot(TOKEN)
    yield bot
    await bot.session.close()


def _intake(world: World, bot: Bot, spans: InMemorySpanExporter | None = None) -> UpdateIntake:
    provider = TracerProvider()
    if spans is not None:
        provider.add_span_processor(SimpleSpanProcessor(spans))
    return UpdateIntake(build_dispatcher(world.deps), FakeSession(bot), world.updates,
                        provider.get_tracer("test"), dedupe_ttl_s=86400, claim_ttl_s=60,
                        publisher=world.publisher)


async def test_an_update_is_handled_once_and_remembered(bot) -> None:
    world = World()
    spans = InMemorySpanExporter()
    intake = _intake(world, bot, spans)

    assert await intake.handle(_update(1)) == "handled"
    assert await intake.handle(_update(1)) == "duplicate"

    assert len(world.publisher.events) == 1
    assert (777000, 1) in world.updates.done
    first, second = spans.get_finished_spans()
    assert first.name == second.name == "telegram.update.handle"
    assert first.attributes["nectar.turn_id"] == str(world.publisher.events[0].event_id)
    assert second.attributes["telegram.duplicate"] is True


async def test_a_failed_update_is_released_so_its_redelivery_is_handled(bot) -> None:
    world = World()
    publisher = BrokenPublisher()
    world.publisher = publisher  # type: ignore[assignment]
    intake = _intake(world, bot)

    with pytest.raises(ConnectionError):
        await intake.handle(_update(2))
    assert (777000, 2) not in world.updates.seen

    publisher.fail = False
    assert await intake.handle(_update(2)) == "handled"
    [turn] = publisher.events
    assert isinstance(turn, TurnReceived) and turn.update_id == 2


async def test_accepting_an_update_queues_it_on_the_bus_and_handling_it_starts_the_turn(
        bot) -> None:
    from nectar_contracts import UpdateReceived

    world = World()
    spans = InMemorySpanExporter()
    intake = _intake(world, bot, spans)
    raw = _update(3, user=8003).model_dump(mode="json", exclude_none=True, by_alias=True)

    assert await intake.accept(raw) == "queued"
    assert await intake.accept(raw) == "queued"

    first, again = world.publisher.events
    assert isinstance(first, UpdateReceived)
    assert first.event_id == again.event_id, "a redelivery has the same id (JetStream dedupe)"
    assert (first.user_id, first.update_id, first.bot_id) == (8003, 3, 777000)
    assert [s.name for s in spans.get_finished_spans()] == ["telegram.update"] * 2

    world.publisher.events.clear()
    assert await intake.handle_received(first) == []
    assert await intake.handle_received(again) == []
    [turn] = world.publisher.events
    assert isinstance(turn, TurnReceived) and turn.text == "hi"
