"""Delivering bus events to Telegram exactly once: the delivery state machine with a
FakeDeliveryLog, Telegram failures, failure texts and the plan cache."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from edge_fakes import World
from nectar_contracts import (
    ImageCancelled,
    ImageFailed,
    ImageProgress,
    ImageReady,
    PlanChanged,
    ReplyDelivered,
    ReplyFailed,
    ReplyReady,
    UserCreated,
    VoiceFailed,
    VoiceReady,
    uuid7,
)
from nectar_edge import handlers
from nectar_edge.domain.delivery import DeliveryRecord, pending
from nectar_edge.domain.errors import (
    MessageRejected,
    RateLimited,
    RecipientUnavailable,
    TelegramUnavailable,
)
from nectar_runtime import Poison, Retry
from nectar_runtime.objectstore import ObjectStoreUnavailable


def _reply(user: int, text: str = "Hello from Luna.") -> ReplyReady:
    return ReplyReady.new(producer="llm", user_id=user, chat_id=user, character="luna",
                          session="1", text=text, language="en", reply_mode="text",
                          model="test/model", attempt=0)


def _conv(user: int) -> dict:
    return {"producer": "llm", "user_id": user, "chat_id": user, "character": "luna",
            "session": "1"}


async def test_a_reply_is_sent_once_and_reported_delivered() -> None:
    world = World()
    reply = _reply(6001)

    [delivered] = await handlers.deliver_reply(reply, world.deps)

    assert world.messenger.texts(6001) == ["Hello from Luna."]
    assert isinstance(delivered, ReplyDelivered)
    assert delivered.reply_event_id == reply.event_id
    assert delivered.message_ids == [world.messenger.sent[0].message_id]
    assert delivered.causation_id == reply.event_id
    assert delivered.correlation_id == reply.correlation_id
    record = world.deliveries.records[str(reply.event_id)]
    assert record == DeliveryRecord("sent", (world.messenger.sent[0].message_id,))
    assert world.deliveries.ttls[str(reply.event_id)] == world.policy.delivery_record_ttl_s


async def test_a_duplicate_of_a_sent_reply_sends_nothing_and_reemits_the_same_event() -> None:
    world = World()
    reply = _reply(6002)
    first = await handlers.deliver_reply(reply, world.deps)

    second = await handlers.deliver_reply(reply, world.deps)

    assert len(world.messenger.sent) == 1
    # same ids, same derived event id: JetStream drops the repeat
    assert [e.model_dump(exclude={"occurred_at"}) for e in second] == [
        e.model_dump(exclude={"occurred_at"}) for e in first]


async def test_a_reply_claimed_by_another_replica_is_retried_later_without_sending() -> None:
    world = World()
    reply = _reply(6003)
    world.deliveries.records[str(reply.event_id)] = pending("other-replica")

    with pytest.raises(Retry) as raised:
        await handlers.deliver_reply(reply, world.deps)

    assert raised.value.delay_s == world.policy.delivery_in_flight_retry_s
    assert world.messenger.sent == []
    assert world.deliveries.records[str(reply.event_id)] == pending("other-replica")


async def test_an_expired_claim_of_a_crashed_replica_lets_the_reply_through() -> None:
    world = World()
    reply = _reply(6004)
    world.deliveries.records[str(reply.event_id)] = pending("crashed")
    with pytest.raises(Retry):
        await handlers.deliver_reply(reply, world.deps)

    world.deliveries.expire(str(reply.event_id))
    [delivered] = await handlers.deliver_reply(reply, world.deps)

    assert world.messenger.texts(6004) == [reply.text]
    assert isinstance(delivered, ReplyDelivered)


async def test_telegram_429_asks_for_a_retry_after_its_delay_and_releases_the_claim() -> None:
    world = World()
    reply = _reply(6005)
    world.messenger.failures.append(RateLimited(7))

    with pytest.raises(Retry) as raised:
        await handlers.deliver_reply(reply, world.deps)

    assert raised.value.delay_s == 7
    assert str(reply.event_id) not in world.deliveries.records
    [delivered] = await handlers.deliver_reply(reply, world.deps)  # the redelivery
    assert world.messenger.texts(6005) == [reply.text]
    assert isinstance(delivered, ReplyDelivered) and len(delivered.message_ids) == 1


async def test_a_429_between_parts_does_not_resend_the_parts_already_sent() -> None:
    world = World()
    text = " ".join(f"Sentence {i} is here." for i in range(600))  # > 4096: 4 parts
    reply = _reply(6006, text)
    world.messenger.failures[:] = []
    sent_before_429 = 2

    original = world.messenger.send_text
    calls = {"n": 0}

    async def flaky(chat_id: int, part: str) -> int:
        calls["n"] += 1
        if calls["n"] == sent_before_429 + 1:
            raise RateLimited(1)
        return await original(chat_id, part)

    world.messenger.send_text = flaky  # type: ignore[method-assign]
    with pytest.raises(Retry):
        await handlers.deliver_reply(reply, world.deps)
    record = world.deliveries.records[str(reply.event_id)]
    assert record.status == "partial" and len(record.message_ids) == sent_before_429

    [delivered] = await handlers.deliver_reply(reply, world.deps)

    texts = world.messenger.texts(6006)
    assert len(texts) == len(set(texts)) == 4, "no part is sent twice"
    assert " ".join(texts) == text
    assert isinstance(delivered, ReplyDelivered)
    assert delivered.message_ids == [s.message_id for s in world.messenger.sent]


async def test_a_blocked_user_is_marked_inactive_and_the_reply_dropped() -> None:
    world = World()
    reply = _reply(6007)
    world.messenger.failures.append(RecipientUnavailable("Forbidden: bot was blocked by the "
                                                        "user"))

    assert await handlers.deliver_reply(reply, world.deps) == []

    assert "blocked" in world.users.inactive[6007]
    assert str(reply.event_id) not in world.deliveries.records


async def test_a_message_telegram_rejects_is_poison() -> None:
    world = World()
    world.messenger.failures.append(MessageRejected("Bad Request: message is too long"))
    with pytest.raises(Poison):
        await handlers.deliver_reply(_reply(6008), world.deps)


async def test_a_transient_failure_propagates_and_frees_the_claim_for_the_retry() -> None:
    world = World()
    reply = _reply(6009)
    world.messenger.failures.append(TelegramUnavailable("TelegramServerError: 502"))
    with pytest.raises(TelegramUnavailable):
        await handlers.deliver_reply(reply, world.deps)
    assert str(reply.event_id) not in world.deliveries.records
    await handlers.deliver_reply(reply, world.deps)
    assert world.messenger.texts(6009) == [reply.text]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Sorry, I couldn't answer just now — please try again in a moment."),
    ("ru", "Прости, сейчас не получилось ответить — попробуй ещё раз чуть позже."),
    ("ja", "ごめんね、今はうまく返事できなかった — 少ししてからもう一度送ってね。"),
    ("sw", "Sorry, I couldn't answer just now — please try again in a moment."),
])
async def test_a_failed_reply_becomes_an_apology_in_the_users_language(language,
                                                                       expected) -> None:
    world = World()
    failed = ReplyFailed.new(**_conv(6010), language=language, reason="all_models_failed",
                             detail="internal detail never shown")
    assert await handlers.apologize_reply_failed(failed, world.deps) == []
    assert await handlers.apologize_reply_failed(failed, world.deps) == []
    assert world.messenger.texts(6010) == [expected]


def _job(user: int, **fields: object) -> dict:
    return {**_conv(user), "job_id": uuid.uuid4(), "language": "en", **fields}


@pytest.mark.parametrize(("reason", "expected"), [
    ("not_available", "Pictures aren't available yet."),
    ("worker_error", "Sorry, I couldn't make that picture just now — please try again later."),
    ("timeout", "That picture took too long, so I stopped. Please try again."),
    ("not_visual", "That item can't be drawn — it isn't something to see."),
])
async def test_image_failures_are_told_once(reason, expected) -> None:
    world = World()
    failed = ImageFailed.new(**_job(6011), reason=reason)
    await handlers.apologize_image_failed(failed, world.deps)
    await handlers.apologize_image_failed(failed, world.deps)
    assert world.messenger.texts(6011) == [expected]


async def test_an_image_failure_is_told_in_the_users_language_and_the_progress_removed(
) -> None:
    world = World()
    status = await world.messenger.send_text(6015, "🎨", ())
    failed = ImageFailed.new(**_job(6015, language="de", status_message_id=status),
                             reason="quota")
    await handlers.apologize_image_failed(failed, world.deps)
    await handlers.apologize_image_failed(failed, world.deps)  # redelivered: told once
    [message] = world.messenger.sent
    assert message.payload["text"].startswith("Die Bilder deines Tarifs")
    [[upsell]] = message.payload["keyboard"]
    assert upsell.data == "upsell"
    assert world.messenger.deleted == [(6015, status)]
    assert await world.deliveries.answered(str(failed.correlation_id))


def _ready(user: int, **fields: object) -> ImageReady:
    return ImageReady.new(**_job(user, **fields), bucket="nectar-media",
                          object_key=f"users/{user}/images/abc.png", width=256, height=256,
                          seed=7, worker="gpu-a", base_model="sdxl.safetensors",
                          lora_version=2, queue_s=0.1, render_s=3.2, caption="for you")


async def test_an_image_is_uploaded_from_the_store_once_and_the_progress_removed() -> None:
    world = World()
    status = await world.messenger.send_text(6013, "🎨 50%", ())
    image = _ready(6013, status_message_id=status)
    world.media_files.objects[("nectar-media", image.object_key)] = b"\x89PNG fake bytes"
    for _ in range(2):
        await handlers.deliver_image(image, world.deps)
    [photo] = world.messenger.sent  # the progress message is gone, the photo is there
    assert (photo.kind, photo.payload["data"], photo.payload["caption"]) == (
        "photo_file", b"\x89PNG fake bytes", "for you")
    assert photo.payload["filename"] == f"{image.job_id}.png"
    assert world.messenger.deleted == [(6013, status)]


async def test_an_image_missing_from_the_store_gets_the_apology() -> None:
    world = World()
    await handlers.deliver_image(_ready(6016), world.deps)
    assert world.messenger.texts(6016) == [
        "Sorry, I couldn't make that picture just now — please try again later."]


async def test_progress_edits_the_message_until_the_job_is_answered() -> None:
    world = World()
    status = await world.messenger.send_text(6017, "🎨", ())
    request = _job(6017, status_message_id=status)
    chain = request["job_id"]  # every event of a job shares its correlation id
    progress = ImageProgress.new(**request, correlation_id=chain, stage="sampling", percent=42,
                                 step=12, steps=28)
    await handlers.show_image_progress(progress, world.deps)
    [message] = world.messenger.sent
    assert message.payload["text"] == "🎨 Drawing your picture… 42%"
    [[cancel]] = message.payload["keyboard"]
    assert cancel.data == f"imgcancel:{request['job_id']}"
    await world.deliveries.mark_answered(str(progress.correlation_id), 60)
    late = ImageProgress.new(**request, correlation_id=chain, stage="sampling", percent=80)
    await handlers.show_image_progress(late, world.deps)
    assert message.payload["text"].endswith("42%")  # a late progress never reverts the end


async def test_a_cancelled_job_is_confirmed_and_system_jobs_are_not_told() -> None:
    world = World()
    status = await world.messenger.send_text(6018, "🎨", ())
    cancelled = ImageCancelled.new(**_job(6018, status_message_id=status), while_running=True)
    await handlers.confirm_image_cancelled(cancelled, world.deps)
    assert world.messenger.texts(6018) == ["Cancelled — no picture this time."]
    assert world.messenger.deleted == [(6018, status)]
    system = ImageFailed.new(**{**_job(0), "user_id": 0, "chat_id": 0}, reason="worker_error")
    await handlers.apologize_image_failed(system, world.deps)
    assert await handlers.deliver_image(_ready(0, user_id=0, chat_id=0), world.deps) == []
    assert len(world.messenger.sent) == 1


async def test_voice_not_available_is_told() -> None:
    world = World()
    failed = VoiceFailed.new(**_conv(6012), language="en", reason="not_available")
    await handlers.apologize_voice_failed(failed, world.deps)
    assert world.messenger.texts(6012) == ["Voice messages aren't available yet."]


def _voice_ready(user: int, key: str, size: int) -> VoiceReady:
    return VoiceReady.new(**_conv(user), reply_event_id=uuid7(), language="en",
                          bucket="nectar-voice", object_key=key, duration_s=3.2,
                          size_bytes=size, provider="inworld", voice="Olivia",
                          billed_chars=40, cache_hit=False)


async def test_voice_notes_are_uploaded_from_object_storage_once() -> None:
    world = World()
    ogg = b"OggS\x00\x02" + b"\x00" * 30 + b"OpusHead" + b"\x01" * 64
    key = f"users/6013/voice/{'a' * 64}.ogg"
    world.media_files.objects[("nectar-voice", key)] = ogg
    voice = _voice_ready(6013, key, len(ogg))
    for _ in range(2):
        await handlers.deliver_voice(voice, world.deps)
    assert [(s.kind, s.payload) for s in world.messenger.sent] == [
        ("voice", {"audio": ogg, "duration_s": 3.2}),
    ]
    assert str(voice.correlation_id) in world.deliveries.answered_turns


async def test_a_voice_note_whose_audio_is_gone_is_dead_lettered_with_the_reason() -> None:
    world = World()
    voice = _voice_ready(6015, f"users/6015/voice/{'b' * 64}.ogg", 100)
    with pytest.raises(Poison, match="not found"):
        await handlers.deliver_voice(voice, world.deps)
    world.media_files.available = False  # an outage is not poison: the runtime retries it
    with pytest.raises(ObjectStoreUnavailable):
        await handlers.deliver_voice(voice, world.deps)
    assert world.messenger.sent == []


async def test_a_voice_reply_keeps_record_voice_until_the_voice_or_its_failure() -> None:
    world = World()
    reply = ReplyReady.new(producer="llm", user_id=6016, chat_id=6016, character="luna",
                           session="1", text="Listen.", language="en", reply_mode="voice",
                           model="test/model", attempt=0)
    await handlers.deliver_reply(reply, world.deps)
    assert world.messenger.texts(6016) == ["Listen."]  # the text reply is delivered first
    assert str(reply.correlation_id) not in world.deliveries.answered_turns
    failed = reply.caused(VoiceFailed, producer="voice", chat_id=6016, character="luna",
                          session="1", language="en", reason="nothing_to_say")
    await handlers.apologize_voice_failed(failed, world.deps)
    assert world.messenger.texts(6016) == ["Listen."]  # nothing to say: no apology
    assert str(reply.correlation_id) in world.deliveries.answered_turns


async def test_an_unsupported_language_is_told_like_voice_not_available() -> None:
    world = World()
    failed = VoiceFailed.new(**_conv(6017), language="en", reason="unsupported_language")
    await handlers.apologize_voice_failed(failed, world.deps)
    assert world.messenger.texts(6017) == ["Voice messages aren't available yet."]


async def test_plan_cache_keeps_the_newest_plan_whatever_the_arrival_order() -> None:
    world = World()
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    created = UserCreated(**UserCreated.new(producer="billing", user_id=6014,
                                            auth_source="telegram", plan="free")
                          .model_dump(exclude={"occurred_at"}), occurred_at=t0)
    upgraded = PlanChanged(**PlanChanged.new(producer="billing", user_id=6014, plan="premium",
                                             previous_plan="free")
                           .model_dump(exclude={"occurred_at"}),
                           occurred_at=t0 + timedelta(minutes=5))

    await handlers.cache_plan(upgraded, world.deps)
    await handlers.cache_plan(created, world.deps)  # late

    assert await world.users.plan(6014) == "premium"


@pytest.mark.parametrize("record", [
    DeliveryRecord("sent", (1, 2, 3)), DeliveryRecord("partial", (5,)),
    DeliveryRecord("pending", (), "abc"), DeliveryRecord("pending", (9, 10), "abc"),
])
def test_delivery_records_survive_encoding(record) -> None:
    assert DeliveryRecord.decode(record.encode()) == record


def test_sent_records_use_the_documented_format() -> None:
    assert DeliveryRecord("sent", (11, 12)).encode() == "sent:11,12"
