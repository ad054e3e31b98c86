"""The update path: the intake stores raw updates on the bus; the `edge-update_received`
handler dedupes them by update_id, feeds the dispatcher and releases on failure."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from aiogram import Bot
from aiogram.types import Update
from edge_fakes import World
from nectar_contracts import TurnReceived, UpdateReceived
from nectar_edge import handlers
from nectar_edge.bot.dispatcher import build_dispatcher
from nectar_edge.bot.feed import AiogramFeed
from nectar_edge.entrypoints.intake import UpdateIntake
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


def _provider(spans: InMemorySpanExporter | None = None) -> TracerProvider:
    provider = TracerProvider()
    if spans is not None:
        provider.add_span_processor(SimpleSpanProcessor(spans))
    return provider


def _wire(world: World, bot: Bot, spans: InMemorySpanExporter | None = None) -> UpdateIntake:
    """The world's `Deps` feed updates to a dispatcher; the intake stores raw updates."""
    tracer = _provider(spans).get_tracer("test")
    world.feed = AiogramFeed(build_dispatcher(), FakeSession(bot), tracer)
    return UpdateIntake(777000, world.publisher, tracer)


def _received(intake: UpdateIntake, update: Update) -> UpdateReceived:
    return intake.received(update.model_dump(mode="json", exclude_none=True, by_alias=True))


async def _consume(world: World, event: UpdateReceived, tracer) -> list:
    """What the `edge-update_received` consumer does: the handler in its own span."""
    with tracer.start_as_current_span("edge-update_received process"):
        return await handlers.handle_update(event, world.deps)


async def test_an_update_is_handled_once_and_remembered(bot) -> None:
    world = World()
    spans = InMemorySpanExporter()
    intake = _wire(world, bot, spans)
    consumer = _provider(spans).get_tracer("consumer")
    event = _received(intake, _update(1))

    assert await _consume(world, event, consumer) == []
    assert await _consume(world, event, consumer) == []

    assert len(world.publisher.events) == 1
    assert (777000, 1) in world.updates.done
    [handled] = [s for s in spans.get_finished_spans() if s.name == "telegram.update.handle"]
    assert handled.attributes["nectar.turn_id"] == str(world.publisher.events[0].event_id)
    first, second = [s for s in spans.get_finished_spans()
                     if s.name == "edge-update_received process"]
    assert "telegram.duplicate" not in first.attributes
    assert second.attributes["telegram.duplicate"] is True


async def test_a_failed_update_is_released_so_its_redelivery_is_handled(bot) -> None:
    world = World()
    publisher = BrokenPublisher()
    world.publisher = publisher  # type: ignore[assignment]
    intake = _wire(world, bot)
    event = _received(intake, _update(2))

    with pytest.raises(ConnectionError):
        await handlers.handle_update(event, world.deps)
    assert (777000, 2) not in world.updates.seen

    publisher.fail = False
    assert await handlers.handle_update(event, world.deps) == []
    [turn] = publisher.events
    assert isinstance(turn, TurnReceived) and turn.update_id == 2


async def test_accepting_an_update_queues_it_on_the_bus_and_handling_it_starts_the_turn(
        bot) -> None:
    world = World()
    spans = InMemorySpanExporter()
    intake = _wire(world, bot, spans)
    raw = _update(3, user=8003).model_dump(mode="json", exclude_none=True, by_alias=True)

    assert await intake.accept(raw) == "queued"
    assert await intake.accept(raw) == "queued"

    first, again = world.publisher.events
    assert isinstance(first, UpdateReceived)
    assert first.event_id == again.event_id, "a redelivery has the same id (JetStream dedupe)"
    assert (first.user_id, first.update_id, first.bot_id) == (8003, 3, 777000)
    assert [s.name for s in spans.get_finished_spans()] == ["telegram.update"] * 2

    world.publisher.events.clear()
    assert await handlers.handle_update(first, world.deps) == []
    assert await handlers.handle_update(again, world.deps) == []
    [turn] = world.publisher.events
    assert isinstance(turn, TurnReceived) and turn.text == "hi"
