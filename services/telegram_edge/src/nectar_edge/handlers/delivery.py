"""Delivery: bus events (replies, apologies, voice notes; images in `handlers.images`) sent to Telegram once per
event id, across retries, crashes and replicas (`handlers.sending`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from nectar_contracts import (
    Event,
    ReplyDelivered,
    ReplyFailed,
    ReplyReady,
    VoiceFailed,
    VoiceReady,
)
from nectar_runtime import Poison

from nectar_edge.deps import PRODUCER, Deps
from nectar_edge.domain.i18n import translate
from nectar_edge.domain.messages import (
    Button,
    Keyboard,
    OutgoingPart,
    TextPart,
    VoicePart,
)
from nectar_edge.domain.text import split_message
from nectar_edge.handlers.chat import mark_answered
from nectar_edge.handlers.sending import send_once

log = logging.getLogger("nectar.telegram_edge.handlers")


def delivery_key(event: Event) -> str:
    return str(event.event_id)


async def deliver(event: Event, chat_id: int, parts: Sequence[OutgoingPart],
                  deps: Deps) -> tuple[int, ...] | None:
    """Send `parts` for `event` once (`sending.send_once`, keyed by the event id); the
    Telegram message ids, or None when the recipient is gone."""
    return await send_once(delivery_key(event), event.user_id, chat_id, parts, deps)


async def deliver_reply(event: ReplyReady, deps: Deps) -> list[Event]:
    """On `chat.reply_ready`: send the answer as plain text (no parse mode, so model output
    cannot inject markup), split over 4096 characters on paragraph/sentence boundaries.
    Emits `chat.reply_delivered` with the message ids (again, with the same ids and event
    id, when the reply was already delivered). Emits nothing when the user is gone."""
    parts = [TextPart(p) for p in split_message(event.text)]
    if not parts:
        raise Poison("reply text is blank")
    upsell = upsell_of(event)
    if upsell is not None:
        parts[-1] = TextPart(parts[-1].text, upsell_keyboard(event.language, upsell,
                                                             deps.policy.star_prices))
    ids = await deliver(event, event.chat_id, parts, deps)
    if event.reply_mode != "voice":  # a voice reply keeps `record_voice` until the voice
        await mark_answered(event, deps)
    if ids is None:
        return []
    return [event.caused(
        ReplyDelivered, producer=PRODUCER, chat_id=event.chat_id, character=event.character,
        session=event.session, text=event.text, reply_event_id=event.event_id,
        message_ids=list(ids),
    )]


#: ReplyFailed reasons that mean "we are saving money/capacity now", not "it broke"
_TRY_LATER_REASONS = frozenset({"over_budget", "rate_limited", "cost_guard", "over_ceiling"})


def upsell_of(event: Event) -> str | None:
    """The plan the llm suggests when the turn was over the plan's ceiling (`upsell` on
    `chat.reply_ready`): a plan name, "" for "some upgrade", None for no upsell. Tolerant of
    the field's absence (older producers)."""
    value = getattr(event, "upsell", None)
    if value is None or value is False:
        return None
    return value if isinstance(value, str) else ""


def upsell_keyboard(language: str, plan: str | None,
                    prices: Mapping[str, int]) -> Keyboard:
    """The upsell button: straight to the suggested plan's invoice when it is for sale,
    else to the plan list."""
    data = f"buy:{plan}" if plan and plan in prices else "upsell"
    return ((Button(translate("upsell_button", language), data),),)


async def apologize_reply_failed(event: ReplyFailed, deps: Deps) -> list[Event]:
    """On `chat.reply_failed`: tell the user, in their language, to try again: a friendly
    "try later" when the cost guard or a rate limit refused, an apology otherwise (with
    the upsell button when the llm flagged one). Emits nothing (the apology is not part
    of the conversation)."""
    key = "try_later" if event.reason in _TRY_LATER_REASONS else "reply_failed"
    upsell = upsell_of(event)
    keyboard = upsell_keyboard(event.language, upsell, deps.policy.star_prices) \
        if upsell is not None else ()
    await deliver(event, event.chat_id,
                  [TextPart(translate(key, event.language), keyboard)], deps)
    await mark_answered(event, deps)
    return []


async def deliver_voice(event: VoiceReady, deps: Deps) -> list[Event]:
    """On `voice.voice_ready`: read the OGG/Opus file from object storage (the bucket and
    key the event names) and upload it as a voice note with its duration (`sendVoice`,
    multipart), once per event; then the turn is answered (`record_voice` stops). Emits
    nothing. An object store outage is retried; a missing object (erased meanwhile) is
    dead-lettered with the reason."""
    if deps.media_files is None:
        raise Poison("voice.voice_ready but the edge has no object store")
    try:
        audio = await deps.media_files.read(event.bucket, event.object_key)
    except KeyError as exc:
        raise Poison(f"voice audio {event.bucket}/{event.object_key} not found") from exc
    await deliver(event, event.chat_id, [VoicePart(audio, event.duration_s)], deps)
    await mark_answered(event, deps)
    return []


async def apologize_voice_failed(event: VoiceFailed, deps: Deps) -> list[Event]:
    """On `voice.voice_failed`: a friendly text; the text reply already sent stands. For
    `nothing_to_say` (only stage directions or emoji) the text reply is all: no apology."""
    if event.reason != "nothing_to_say":
        key = ("voice_unavailable" if event.reason in ("not_available", "unsupported_language")
               else "voice_failed")
        await deliver(event, event.chat_id, [TextPart(translate(key, event.language))], deps)
    await mark_answered(event, deps)
    return []
