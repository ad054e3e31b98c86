"""Edge handlers: the business logic behind Telegram updates and bus events.

Update handlers take an `IncomingMessage` (built by the aiogram routers) and return the
events to publish; bus handlers take a contract event and return the events to publish.
Side effects go through the ports in `Deps`. `HANDLERS` at the bottom lists every message
handled here.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import get_args

from nectar_contracts import (
    Event,
    ImageFailed,
    ImageReady,
    ImageRequested,
    Plan,
    PlanChanged,
    ReplyDelivered,
    ReplyFailed,
    ReplyReady,
    TurnReceived,
    UserCreated,
    VoiceFailed,
    VoiceReady,
    keyed_uuid7,
)
from nectar_runtime import Poison, Retry

from nectar_edge.domain import delivery
from nectar_edge.domain.delivery import DeliveryRecord
from nectar_edge.domain.errors import MessageRejected, RateLimited, RecipientUnavailable
from nectar_edge.domain.i18n import display_name, translate
from nectar_edge.domain.language import normalize_language
from nectar_edge.domain.messages import (
    IncomingMessage,
    OutgoingPart,
    PhotoPart,
    TextPart,
    VoicePart,
)
from nectar_edge.domain.text import split_message
from nectar_edge.ports import DeliveryLog, Messenger, Publisher, UpdateLog, UserDirectory

PRODUCER = "telegram_edge"
DEFAULT_SESSION = "1"
DEFAULT_PLAN: Plan = "free"
PLANS: frozenset[str] = frozenset(get_args(Plan))

log = logging.getLogger("nectar.telegram_edge.handlers")


@dataclass(frozen=True)
class Policy:
    """Defaults and limits the handlers apply (from `EdgeSettings`)."""

    default_character: str = "luna"
    characters: tuple[str, ...] = ("luna", "kai", "mira")
    default_language: str = "en"
    delivery_claim_ttl_s: int = 60
    delivery_record_ttl_s: int = 7 * 24 * 3600
    delivery_in_flight_retry_s: float = 5.0


@dataclass(frozen=True)
class Deps:
    """What edge handlers need; built by `bootstrap.build_deps`."""

    policy: Policy
    users: UserDirectory
    deliveries: DeliveryLog
    messenger: Messenger
    publisher: Publisher
    updates: UpdateLog


@dataclass(frozen=True)
class Conversation:
    """Who the user talks to, in which session, on which plan, how answers are sent."""

    character: str
    session: str
    plan: Plan
    voice: bool


async def resolve_conversation(user_id: int, deps: Deps) -> Conversation:
    """The user's current conversation from the edge's Redis state, with defaults."""
    character = await deps.users.character(user_id) or deps.policy.default_character
    session = await deps.users.session(user_id, character) or DEFAULT_SESSION
    plan = await deps.users.plan(user_id)
    return Conversation(
        character=character, session=session,
        plan=plan if plan in PLANS else DEFAULT_PLAN,
        voice=await deps.users.voice_enabled(user_id),
    )


def turn_id_for(message: IncomingMessage) -> uuid.UUID:
    """The turn id of a Telegram update: deterministic, so that handling the same update
    twice (a crash after publishing, before the update was recorded) publishes the same
    event id and JetStream's duplicate window drops the second."""
    return keyed_uuid7(f"telegram-update|{message.bot_id}|{message.update_id}",
                       message.sent_at)


# --- Telegram updates -------------------------------------------------------------------

async def receive_text(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On a user's text message (not a known command): start a turn.

    Emits `chat.turn_received` with the user's character, session, plan and reply mode from
    Redis (defaults: configured character, session "1", plan free, text replies) and the
    language from Telegram's `language_code`. Side effect: the user is marked active again.
    """
    if not message.text:
        return []
    conv = await resolve_conversation(message.user_id, deps)
    await deps.users.mark_active(message.user_id)
    turn_id = turn_id_for(message)
    return [TurnReceived(
        event_id=turn_id, correlation_id=turn_id, producer=PRODUCER,
        user_id=message.user_id, chat_id=message.chat_id, character=conv.character,
        session=conv.session, text=message.text,
        language=normalize_language(message.language_code, deps.policy.default_language),
        plan=conv.plan, reply_mode="voice" if conv.voice else "text",
        update_id=message.update_id, message_id=message.message_id,
    )]


async def show_typing(chat_id: int, deps: Deps, action: str = "typing") -> None:
    """Best effort chat action while the turn is worked on; a failure is only logged."""
    try:
        await deps.messenger.send_action(chat_id, action)
    except Exception as exc:  # noqa: BLE001  # cosmetic: never fail a turn for it
        log.info("chat action failed", extra={"chat_id": chat_id, "action": action,
                                              "error": f"{type(exc).__name__}: {exc}"})


async def _answer(message: IncomingMessage, text: str, deps: Deps) -> None:
    """Send a direct answer to a command; a recipient that is gone is marked inactive."""
    try:
        await deps.messenger.send_text(message.chat_id, text)
    except RecipientUnavailable as exc:
        await deps.users.mark_inactive(message.user_id, str(exc))
        log.warning("user unreachable, marked inactive", extra={"user_id": message.user_id})


async def greet_user(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On `/start`: greet the user by the character's name, directly with the bot.
    Emits nothing; marks the user active."""
    conv = await resolve_conversation(message.user_id, deps)
    await deps.users.mark_active(message.user_id)
    language = normalize_language(message.language_code, deps.policy.default_language)
    await _answer(message, translate("greeting", language,
                                     character=display_name(conv.character)), deps)
    return []


async def show_help(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On `/help`: list the commands. Emits nothing."""
    language = normalize_language(message.language_code, deps.policy.default_language)
    await _answer(message, translate("help", language), deps)
    return []


async def request_image(message: IncomingMessage, prompt: str | None, deps: Deps) -> list[Event]:
    """On `/image <prompt>`: emit `media.image_requested` (and show `upload_photo`);
    an empty prompt gets a usage hint and emits nothing."""
    language = normalize_language(message.language_code, deps.policy.default_language)
    prompt = (prompt or "").strip()
    if not prompt:
        await _answer(message, translate("image_usage", language), deps)
        return []
    conv = await resolve_conversation(message.user_id, deps)
    return [ImageRequested.new(
        producer=PRODUCER, user_id=message.user_id, chat_id=message.chat_id,
        character=conv.character, session=conv.session, prompt=prompt, language=language,
    )]


async def set_voice_mode(message: IncomingMessage, argument: str | None,
                         deps: Deps) -> list[Event]:
    """On `/voice on|off`: store the user's reply mode in Redis and confirm; anything else
    gets a usage hint. Emits nothing."""
    language = normalize_language(message.language_code, deps.policy.default_language)
    choice = (argument or "").strip().lower()
    if choice not in ("on", "off"):
        await _answer(message, translate("voice_usage", language), deps)
        return []
    await deps.users.set_voice(message.user_id, choice == "on")
    await _answer(message, translate(f"voice_{choice}", language), deps)
    return []


async def choose_character(message: IncomingMessage, argument: str | None,
                           deps: Deps) -> list[Event]:
    """On `/character [name]`: with a known name, make it the user's character (its own
    conversation and session) and confirm; otherwise list the characters. Emits nothing."""
    language = normalize_language(message.language_code, deps.policy.default_language)
    choice = (argument or "").strip().lower()
    names = ", ".join(deps.policy.characters)
    if choice not in deps.policy.characters:
        current = await deps.users.character(message.user_id) or deps.policy.default_character
        await _answer(message, translate("character_usage", language, characters=names,
                                         current=display_name(current)), deps)
        return []
    await deps.users.set_character(message.user_id, choice)
    await _answer(message, translate("character_chosen", language,
                                     character=display_name(choice)), deps)
    return []


async def explain_text_only(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On a message without text (sticker, photo, ...): say that only text is read yet."""
    language = normalize_language(message.language_code, deps.policy.default_language)
    await _answer(message, translate("text_only", language), deps)
    return []


# --- Bus events -> Telegram -------------------------------------------------------------

def delivery_key(event: Event) -> str:
    return str(event.event_id)


async def _send(messenger: Messenger, chat_id: int, part: OutgoingPart) -> int:
    match part:
        case TextPart(text=text):
            return await messenger.send_text(chat_id, text)
        case PhotoPart(url=url, caption=caption):
            return await messenger.send_photo(chat_id, url, caption)
        case VoicePart(url=url, duration_s=duration):
            return await messenger.send_voice(chat_id, url, duration)
    raise TypeError(f"unknown part {part!r}")


async def deliver(event: Event, chat_id: int, parts: Sequence[OutgoingPart],
                  deps: Deps) -> tuple[int, ...] | None:
    """Send `parts` for `event` exactly once across retries and replicas; return the
    Telegram message ids, or None when the recipient is gone (user marked inactive).

    The state machine is in `nectar_edge.domain.delivery`: already `sent` -> the stored ids,
    nothing sent; someone else's `pending` -> `Retry` later; claimed -> send the parts not
    sent yet, recording progress so a 429 between parts does not resend the first ones.
    Raises `Retry` on 429 (after `retry_after`), `Poison` when Telegram rejects the message,
    and lets transient failures propagate (retried with backoff by the runtime).
    """
    key, policy = delivery_key(event), deps.policy
    owner = uuid.uuid4().hex
    record = await deps.deliveries.claim(key, owner, policy.delivery_claim_ttl_s)
    if record.status == "sent":
        log.info("already delivered; re-emitting", extra={"message_ids": record.message_ids})
        return record.message_ids
    if not record.claimed_by(owner):
        raise Retry(f"delivery of {key} in flight elsewhere", policy.delivery_in_flight_retry_s)
    sent = list(record.message_ids)
    try:
        for index in range(len(sent), len(parts)):
            sent.append(await _send(deps.messenger, chat_id, parts[index]))
            if index + 1 < len(parts):
                await deps.deliveries.save(key, delivery.pending(owner, tuple(sent)),
                                           policy.delivery_claim_ttl_s)
    except RateLimited as exc:
        await _release(key, owner, sent, deps)
        raise Retry(f"telegram rate limit: {exc}", exc.retry_after_s) from exc
    except RecipientUnavailable as exc:
        await _release(key, owner, sent, deps)
        await deps.users.mark_inactive(event.user_id, str(exc))
        log.warning("recipient unavailable; user marked inactive, message dropped",
                    extra={"user_id": event.user_id, "chat_id": chat_id, "reason": str(exc)})
        return None
    except MessageRejected as exc:
        await _release(key, owner, sent, deps)
        raise Poison(f"telegram rejected the message: {exc}") from exc
    except BaseException:
        await _release(key, owner, sent, deps)
        raise
    await deps.deliveries.save(key, DeliveryRecord("sent", tuple(sent)),
                               policy.delivery_record_ttl_s)
    return tuple(sent)


async def _release(key: str, owner: str, sent: list[int], deps: Deps) -> None:
    """Give up a claim after a failure: keep what was sent as `partial`, or drop it."""
    try:
        if sent:
            await deps.deliveries.save(key, DeliveryRecord("partial", tuple(sent)),
                                       deps.policy.delivery_record_ttl_s)
        else:
            await deps.deliveries.drop(key, owner)
    except Exception:  # the claim expires on its own; do not mask the original error
        log.warning("could not release delivery claim", exc_info=True, extra={"key": key})


async def deliver_reply(event: ReplyReady, deps: Deps) -> list[Event]:
    """On `chat.reply_ready`: send the answer as plain text (no parse mode, so model output
    cannot inject markup), split over 4096 characters on paragraph/sentence boundaries.
    Emits `chat.reply_delivered` with the message ids (again, with the same ids and event
    id, when the reply was already delivered). Emits nothing when the user is gone."""
    parts = [TextPart(p) for p in split_message(event.text)]
    if not parts:
        raise Poison("reply text is blank")
    ids = await deliver(event, event.chat_id, parts, deps)
    if ids is None:
        return []
    return [event.caused(
        ReplyDelivered, producer=PRODUCER, chat_id=event.chat_id, character=event.character,
        session=event.session, text=event.text, reply_event_id=event.event_id,
        message_ids=list(ids),
    )]


async def apologize_reply_failed(event: ReplyFailed, deps: Deps) -> list[Event]:
    """On `chat.reply_failed`: tell the user, in their language, to try again. Emits
    nothing (the apology is not part of the conversation)."""
    await deliver(event, event.chat_id, [TextPart(translate("reply_failed", event.language))],
                  deps)
    return []


async def deliver_image(event: ImageReady, deps: Deps) -> list[Event]:
    """On `media.image_ready`: send the photo by URL with its caption. Emits nothing."""
    await deliver(event, event.chat_id, [PhotoPart(event.url, event.caption)], deps)
    return []


async def apologize_image_failed(event: ImageFailed, deps: Deps) -> list[Event]:
    """On `media.image_failed`: a friendly text (not available yet / try later)."""
    key = "image_unavailable" if event.reason == "not_available" else "image_failed"
    await deliver(event, event.chat_id, [TextPart(translate(key, event.language))], deps)
    return []


async def deliver_voice(event: VoiceReady, deps: Deps) -> list[Event]:
    """On `voice.voice_ready`: send the OGG/Opus voice note by URL. Emits nothing."""
    await deliver(event, event.chat_id, [VoicePart(event.url, event.duration_s)], deps)
    return []


async def apologize_voice_failed(event: VoiceFailed, deps: Deps) -> list[Event]:
    """On `voice.voice_failed`: a friendly text; the text reply already sent stands."""
    key = "voice_unavailable" if event.reason == "not_available" else "voice_failed"
    await deliver(event, event.chat_id, [TextPart(translate(key, event.language))], deps)
    return []


async def cache_plan(event: PlanChanged | UserCreated, deps: Deps) -> list[Event]:
    """On `billing.plan_changed` / `billing.user_created`: update the plan cache read when
    turns start. Ordered by `occurred_at`, so a late `user_created` never overwrites a newer
    plan. Emits nothing."""
    as_of_ms = int(event.occurred_at.timestamp() * 1000)
    stored = await deps.users.cache_plan(event.user_id, event.plan, as_of_ms)
    if not stored:
        log.info("older plan event ignored", extra={"user_id": event.user_id})
    return []


HANDLERS = {
    ReplyReady: deliver_reply,
    ReplyFailed: apologize_reply_failed,
    ImageReady: deliver_image,
    ImageFailed: apologize_image_failed,
    VoiceReady: deliver_voice,
    VoiceFailed: apologize_voice_failed,
    PlanChanged: cache_plan,
    UserCreated: cache_plan,
}
