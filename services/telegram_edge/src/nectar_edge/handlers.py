"""Edge handlers: the business logic behind Telegram updates and bus events.

Update handlers take an `IncomingMessage` (built by the aiogram routers) and return the
events to publish; bus handlers take a contract event and return the events to publish.
Side effects go through the ports in `Deps`. `HANDLERS` at the bottom lists every message
handled here.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, get_args

from nectar_contracts import (
    ConversationReset,
    Event,
    ImageFailed,
    ImageReady,
    ImageRequested,
    PaymentReceived,
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
from nectar_runtime.objectstore import ObjectNotFound, ObjectStore

from nectar_edge.domain import delivery
from nectar_edge.domain.delivery import DeliveryRecord
from nectar_edge.domain.errors import MessageRejected, RateLimited, RecipientUnavailable
from nectar_edge.domain.i18n import LANGUAGES, display_name, language_name, translate
from nectar_edge.domain.language import normalize_language
from nectar_edge.domain.messages import (
    Button,
    IncomingMessage,
    Keyboard,
    OutgoingPart,
    PhotoPart,
    TextPart,
    VoicePart,
)
from nectar_edge.domain.payments import (
    InvalidPayload,
    check_checkout,
    sign_payload,
    verify_payload,
)
from nectar_edge.domain.text import split_message
from nectar_edge.ports import (
    CostGuard,
    DeliveryLog,
    Messenger,
    PaymentLog,
    Publisher,
    RateLimiter,
    UpdateLog,
    UserDirectory,
)

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
    rate_window_s: float = 60.0
    rate_limits: dict[str, int] = field(default_factory=lambda: {
        "free": 12, "basic": 20, "premium": 30, "vip": 40, "elite": 60})
    daily_turn_limits: dict[str, int] = field(default_factory=lambda: {
        "free": 30, "basic": 200, "premium": 1000, "vip": 3000, "elite": 10000})
    global_daily_turns: int = 200_000
    star_prices: dict[str, int] = field(default_factory=lambda: {
        "basic": 250, "premium": 500, "vip": 1000, "elite": 2000})
    payment_key: bytes = b"unit-test-payment-key"
    payment_support_text: str = ""
    chat_action_every_s: float = 4.5
    chat_action_max_s: float = 40.0
    chat_action_max_turns: int = 200


@dataclass(frozen=True)
class Deps:
    """What edge handlers need; built by `bootstrap.build_deps`."""

    policy: Policy
    users: UserDirectory
    deliveries: DeliveryLog
    messenger: Messenger
    publisher: Publisher
    updates: UpdateLog
    rates: RateLimiter
    costs: CostGuard
    payments: PaymentLog
    #: object storage holding voice messages (`voice.voice_ready` names a key in it)
    audio: ObjectStore | None = None


@dataclass(frozen=True)
class Conversation:
    """Who the user talks to, in which session, on which plan, how answers are sent."""

    character: str
    session: str
    plan: Plan
    voice: bool


async def resolve_conversation(user_id: int, deps: Deps,
                               context: Any = None) -> Conversation:
    """The user's current conversation: what the middleware chain resolved (`context`),
    else the edge's Redis state, with defaults."""
    if context is not None:
        return Conversation(character=context.character, session=context.session,
                            plan=context.plan, voice=context.voice)
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
    conv = await resolve_conversation(message.user_id, deps, message.context)
    if message.context is None or message.context.inactive:
        await deps.users.mark_active(message.user_id)
    turn_id = turn_id_for(message)
    return [TurnReceived(
        event_id=turn_id, correlation_id=turn_id, producer=PRODUCER,
        user_id=message.user_id, chat_id=message.chat_id, character=conv.character,
        session=conv.session, text=message.text, language=language_of(message, deps),
        plan=conv.plan, reply_mode="voice" if conv.voice else "text",
        update_id=message.update_id, message_id=message.message_id,
    )]


_BACKGROUND: set[asyncio.Task[None]] = set()


def show_typing_soon(chat_id: int, deps: Deps, action: str = "typing",
                     turn_id: str | None = None) -> None:
    """The chat action without waiting for it (the update is handled at once): repeated
    until the turn `turn_id` is answered (see `keep_showing`), or once without a turn or
    when `chat_action_max_turns` indicators already repeat in this process (a burst of
    unanswered turns must not become a burst of Redis polls)."""
    repeat = turn_id is not None and len(_BACKGROUND) < deps.policy.chat_action_max_turns
    work = keep_showing(chat_id, turn_id, deps, action) if repeat and turn_id \
        else show_typing(chat_id, deps, action)
    task = asyncio.get_running_loop().create_task(work)
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


async def keep_showing(chat_id: int, turn_id: str, deps: Deps, action: str) -> None:
    """Show `action` every `chat_action_every_s` while the reply to `turn_id` is made: until
    any replica delivered an answer for it, for at most `chat_action_max_s`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + deps.policy.chat_action_max_s
    while True:
        await show_typing(chat_id, deps, action)
        await asyncio.sleep(deps.policy.chat_action_every_s)
        try:
            if loop.time() >= deadline or await deps.deliveries.answered(turn_id):
                return
        except Exception:  # noqa: BLE001  # cosmetic: stop rather than guess
            return


async def _answered(event: Event, deps: Deps) -> None:
    """Stop the turn's chat action (best effort)."""
    try:
        await deps.deliveries.mark_answered(str(event.correlation_id),
                                            max(60, int(deps.policy.chat_action_max_s) + 60))
    except Exception:  # noqa: BLE001  # the indicator stops by itself at its deadline
        log.info("could not mark the turn answered", extra={"user_id": event.user_id})


async def show_typing(chat_id: int, deps: Deps, action: str = "typing") -> None:
    """Best effort chat action while the turn is worked on; a failure is only logged."""
    try:
        await deps.messenger.send_action(chat_id, action)
    except Exception as exc:  # noqa: BLE001  # cosmetic: never fail a turn for it
        log.info("chat action failed", extra={"chat_id": chat_id, "action": action,
                                              "error": f"{type(exc).__name__}: {exc}"})


def language_of(message: IncomingMessage, deps: Deps) -> str:
    """The user's language: chosen with /language or from Telegram (the chain resolved it),
    else Telegram's `language_code`, else the default."""
    if message.context is not None:
        return str(message.context.language)
    return normalize_language(message.language_code, deps.policy.default_language)


def chat_action_for(event: Event) -> str:
    """The chat action shown while the reply to `event` is made: `record_voice` for a
    voice reply, `typing` otherwise."""
    return "record_voice" if getattr(event, "reply_mode", "text") == "voice" else "typing"


async def acknowledge(callback_id: str, deps: Deps) -> None:
    """Answer a button press so Telegram stops its spinner (best effort)."""
    try:
        await deps.messenger.answer_callback(callback_id)
    except Exception as exc:  # noqa: BLE001  # cosmetic
        log.info("answerCallbackQuery failed", extra={"error": f"{type(exc).__name__}"})


async def _answer(message: IncomingMessage, text: str, deps: Deps,
                  keyboard: Keyboard = ()) -> None:
    """Send a direct answer to a command; a recipient that is gone is marked inactive."""
    try:
        if keyboard:
            await deps.messenger.send_text(message.chat_id, text, keyboard)
        else:
            await deps.messenger.send_text(message.chat_id, text)
    except RecipientUnavailable as exc:
        await deps.users.mark_inactive(message.user_id, str(exc))
        log.warning("user unreachable, marked inactive", extra={"user_id": message.user_id})


def character_keyboard(characters: tuple[str, ...], current: str) -> Keyboard:
    """One button per character (`char:<id>`), the current one marked, three per row."""
    buttons = [Button(("✓ " if c == current else "") + display_name(c), f"char:{c}")
               for c in characters]
    return tuple(tuple(buttons[i:i + 3]) for i in range(0, len(buttons), 3))


async def greet_user(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On `/start`: greet the user by the character's name and offer the characters as
    buttons. Emits nothing; marks the user active."""
    conv = await resolve_conversation(message.user_id, deps, message.context)
    await deps.users.mark_active(message.user_id)
    language = language_of(message, deps)
    await _answer(message, translate("greeting", language,
                                     character=display_name(conv.character)), deps,
                  character_keyboard(deps.policy.characters, conv.character))
    return []


async def show_help(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On `/help`: list the commands. Emits nothing."""
    await _answer(message, translate("help", language_of(message, deps)), deps)
    return []


async def request_image(message: IncomingMessage, prompt: str | None, deps: Deps) -> list[Event]:
    """On `/image <prompt>`: emit `media.image_requested` (and show `upload_photo`);
    an empty prompt gets a usage hint and emits nothing."""
    language = language_of(message, deps)
    prompt = (prompt or "").strip()
    if not prompt:
        await _answer(message, translate("image_usage", language), deps)
        return []
    conv = await resolve_conversation(message.user_id, deps, message.context)
    return [ImageRequested.new(
        producer=PRODUCER, user_id=message.user_id, chat_id=message.chat_id,
        character=conv.character, session=conv.session, prompt=prompt, language=language,
    )]


async def set_voice_mode(message: IncomingMessage, argument: str | None,
                         deps: Deps) -> list[Event]:
    """On `/voice on|off`: store the user's reply mode in Redis and confirm; anything else
    gets a usage hint. Emits nothing."""
    language = language_of(message, deps)
    choice = (argument or "").strip().lower()
    if choice not in ("on", "off"):
        await _answer(message, translate("voice_usage", language), deps)
        return []
    await deps.users.set_voice(message.user_id, choice == "on")
    await _answer(message, translate(f"voice_{choice}", language), deps)
    return []


async def choose_character(message: IncomingMessage, argument: str | None,
                           deps: Deps) -> list[Event]:
    """On `/character [name]` (or a `char:<id>` button): with a known name, make it the
    user's character (its own conversation and session) and confirm; otherwise list the
    characters, as text and as buttons. Emits nothing."""
    language = language_of(message, deps)
    choice = (argument or "").strip().lower()
    names = ", ".join(deps.policy.characters)
    if choice not in deps.policy.characters:
        current = await deps.users.character(message.user_id) or deps.policy.default_character
        await _answer(message, translate("character_usage", language, characters=names,
                                         current=display_name(current)), deps,
                      character_keyboard(deps.policy.characters, current))
        return []
    await deps.users.set_character(message.user_id, choice)
    await _answer(message, translate("character_chosen", language,
                                     character=display_name(choice)), deps)
    return []


async def explain_text_only(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On a message without text (sticker, photo, ...): say that only text is read yet."""
    await _answer(message, translate("text_only", language_of(message, deps)), deps)
    return []


async def reset_conversation(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On `/reset`: start a new session with the current character and confirm. Emits
    `chat.conversation_reset` (the session that ends and the one that starts; its id is
    derived from the update, so a retried update publishes the same event)."""
    conv = await resolve_conversation(message.user_id, deps, message.context)
    new_session = str(int(conv.session) + 1) if conv.session.isdigit() \
        else uuid.uuid4().hex[:12]
    await deps.users.set_session(message.user_id, conv.character, new_session)
    await _answer(message, translate("reset_done", language_of(message, deps),
                                     character=display_name(conv.character)), deps)
    event_id = keyed_uuid7(f"telegram-reset|{message.bot_id}|{message.update_id}",
                           message.sent_at)
    return [ConversationReset(
        event_id=event_id, correlation_id=event_id, producer=PRODUCER,
        user_id=message.user_id, chat_id=message.chat_id, character=conv.character,
        session=conv.session, new_session=new_session)]


def language_keyboard(current: str) -> Keyboard:
    """The 17 languages as buttons (`lang:<code>`), in their own names, three per row."""
    buttons = [Button(("✓ " if code == current else "") + language_name(code),
                      f"lang:{code}") for code in LANGUAGES]
    return tuple(tuple(buttons[i:i + 3]) for i in range(0, len(buttons), 3))


async def choose_language(message: IncomingMessage, argument: str | None,
                          deps: Deps) -> list[Event]:
    """On `/language [code]` (or a `lang:<code>` button): with a supported code, store it as
    the user's language (it overrides Telegram's) and confirm in it; otherwise offer the
    languages as buttons. Emits nothing."""
    choice = (argument or "").strip().lower()
    if choice not in LANGUAGES:
        language = language_of(message, deps)
        await _answer(message, translate("language_usage", language), deps,
                      language_keyboard(language))
        return []
    await deps.users.set_language(message.user_id, choice)
    await _answer(message, translate("language_chosen", choice), deps)
    return []


def plan_keyboard(prices: dict[str, int], language: str) -> Keyboard:
    """One button per plan for sale (`buy:<plan>`), with its price in Stars."""
    return tuple((Button(translate("plan_button", language, plan=plan.title(),
                                   stars=str(price)), f"buy:{plan}"),)
                 for plan, price in prices.items())


async def offer_plans(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On `/buy` (or the upsell button): the user's plan and the plans for sale as buttons.
    Emits nothing."""
    language = language_of(message, deps)
    conv = await resolve_conversation(message.user_id, deps, message.context)
    await _answer(message, translate("buy_intro", language, plan=conv.plan.title()), deps,
                  plan_keyboard(deps.policy.star_prices, language))
    return []


async def send_invoice(message: IncomingMessage, plan: str, deps: Deps) -> list[Event]:
    """On a `buy:<plan>` button: an invoice in Stars whose payload is signed and bound to
    (user, plan, price). An unknown plan gets the plan list again. Emits nothing."""
    language = language_of(message, deps)
    price = deps.policy.star_prices.get(plan)
    if price is None:
        return await offer_plans(message, deps)
    payload = sign_payload(deps.policy.payment_key, message.user_id, plan, price)
    try:
        await deps.messenger.send_invoice(
            message.chat_id, translate("invoice_title", language, plan=plan.title()),
            translate("invoice_description", language, plan=plan.title()), payload, price)
    except RecipientUnavailable as exc:
        await deps.users.mark_inactive(message.user_id, str(exc))
    return []


@dataclass(frozen=True)
class PreCheckout:
    """A pre-checkout query: the user pressed Pay on an invoice."""

    query_id: str
    user_id: int
    currency: str
    total_amount: int
    payload: str
    language_code: str | None


async def answer_pre_checkout(query: PreCheckout, deps: Deps) -> list[Event]:
    """On a pre-checkout query: approve it when the payload is ours, bound to this user,
    in Stars, for its amount, and the plan is still sold at that price; refuse it with a
    reason in the user's language otherwise. Telegram cancels the payment after 10 s, so
    this reads nothing but the policy. Emits nothing (no money moved yet)."""
    verdict = check_checkout(deps.policy.payment_key, query.payload, query.user_id,
                             query.currency, query.total_amount, deps.policy.star_prices)
    language = (await deps.users.language(query.user_id)
                or normalize_language(query.language_code, deps.policy.default_language))
    await deps.messenger.answer_pre_checkout(
        query.query_id, verdict.ok, "" if verdict.ok else translate(verdict.error_key,
                                                                    language))
    if not verdict.ok:
        log.warning("pre-checkout refused", extra={"user_id": query.user_id,
                                                   "reason": verdict.error_key})
    return []


@dataclass(frozen=True)
class StarsPayment:
    """A `successful_payment` service message."""

    message: IncomingMessage
    currency: str
    total_amount: int
    payload: str
    charge_id: str


async def record_payment(payment: StarsPayment, deps: Deps) -> list[Event]:
    """On `successful_payment`: emit `billing.payment_received` (provider telegram_stars,
    external id = telegram_payment_charge_id) exactly once per charge: the charge is
    recorded in Redis (SET NX) and the event id is derived from the charge id, so even a
    second publish is dropped by JetStream. Thanks the user. A payload that is not ours
    cannot happen after a checked pre-checkout; it is logged and dropped (Poison would
    stall the update forever)."""
    message = payment.message
    try:
        terms = verify_payload(deps.policy.payment_key, payment.payload)
    except InvalidPayload:
        log.error("successful_payment with a foreign payload; not recorded",
                  extra={"user_id": message.user_id, "charge_id": payment.charge_id})
        return []
    if not await deps.payments.record(payment.charge_id):
        log.info("payment already recorded", extra={"charge_id": payment.charge_id})
        return []
    event_id = keyed_uuid7(f"telegram-stars|{payment.charge_id}", message.sent_at)
    event = PaymentReceived(
        event_id=event_id, correlation_id=event_id, producer=PRODUCER,
        user_id=message.user_id, provider="telegram_stars", external_id=payment.charge_id,
        amount=Decimal(payment.total_amount), currency=payment.currency,
        plan=terms.plan)  # type: ignore[arg-type]
    try:
        await deps.publisher.publish_all([event])
    except BaseException:
        await deps.payments.forget(payment.charge_id)
        raise
    await _answer(message, translate("pay_thanks", language_of(message, deps),
                                     plan=terms.plan.title()), deps)
    return []


async def show_payment_support(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On `/paysupport` (Telegram requires it of bots that take payments): how refunds and
    payment problems are handled, plus the operator's contact if configured."""
    text = translate("paysupport", language_of(message, deps))
    if deps.policy.payment_support_text:
        text = f"{text}\n{deps.policy.payment_support_text}"
    await _answer(message, text, deps)
    return []


async def refund_stars(user_id: int, charge_id: str, deps: Deps) -> str:
    """Operator refund of a Stars charge with refundStarPayment: `refunded` now, or
    `already_refunded` (CHARGE_ALREADY_REFUNDED counts as done). Raises `MessageRejected`
    for a charge Telegram does not know."""
    return "refunded" if await deps.messenger.refund_stars(user_id, charge_id) \
        else "already_refunded"


# --- Bus events -> Telegram -------------------------------------------------------------

def delivery_key(event: Event) -> str:
    return str(event.event_id)


async def _send(messenger: Messenger, chat_id: int, part: OutgoingPart) -> int:
    match part:
        case TextPart(text=text, keyboard=keyboard):
            if keyboard:
                return await messenger.send_text(chat_id, text, keyboard)
            return await messenger.send_text(chat_id, text)
        case PhotoPart(url=url, caption=caption):
            return await messenger.send_photo(chat_id, url, caption)
        case VoicePart(audio=audio, duration_s=duration):
            return await messenger.send_voice(chat_id, audio, duration)
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
    upsell = upsell_of(event)
    if upsell is not None:
        parts[-1] = TextPart(parts[-1].text, upsell_keyboard(event.language, upsell,
                                                             deps.policy.star_prices))
    ids = await deliver(event, event.chat_id, parts, deps)
    if event.reply_mode != "voice":  # a voice reply keeps `record_voice` until the voice
        await _answered(event, deps)
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


def upsell_keyboard(language: str, plan: str | None, prices: dict[str, int]) -> Keyboard:
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
    await _answered(event, deps)
    return []


async def deliver_image(event: ImageReady, deps: Deps) -> list[Event]:
    """On `media.image_ready`: send the photo by URL with its caption. Emits nothing."""
    await deliver(event, event.chat_id, [PhotoPart(event.url, event.caption)], deps)
    await _answered(event, deps)
    return []


async def apologize_image_failed(event: ImageFailed, deps: Deps) -> list[Event]:
    """On `media.image_failed`: a friendly text (not available yet / try later)."""
    key = "image_unavailable" if event.reason == "not_available" else "image_failed"
    await deliver(event, event.chat_id, [TextPart(translate(key, event.language))], deps)
    await _answered(event, deps)
    return []


async def deliver_voice(event: VoiceReady, deps: Deps) -> list[Event]:
    """On `voice.voice_ready`: read the OGG/Opus file from object storage and upload it as
    a voice note with its duration (`sendVoice`, multipart), once per event. Emits nothing.
    An object store outage is retried; a missing object (erased meanwhile, or another
    bucket than the edge's) is dead-lettered with the reason."""
    if deps.audio is None:
        raise Poison("voice.voice_ready but the edge has no object store")
    try:
        audio = (await deps.audio.get(event.object_key)).data
    except ObjectNotFound as exc:
        raise Poison(f"voice audio {event.bucket}/{event.object_key} not found in the "
                     f"edge's bucket (EDGE_VOICE_BUCKET)") from exc
    await deliver(event, event.chat_id, [VoicePart(audio, event.duration_s)], deps)
    await _answered(event, deps)
    return []


async def apologize_voice_failed(event: VoiceFailed, deps: Deps) -> list[Event]:
    """On `voice.voice_failed`: a friendly text; the text reply already sent stands. For
    `nothing_to_say` (only stage directions or emoji) the text reply is all: no apology."""
    if event.reason != "nothing_to_say":
        key = ("voice_unavailable" if event.reason in ("not_available", "unsupported_language")
               else "voice_failed")
        await deliver(event, event.chat_id, [TextPart(translate(key, event.language))], deps)
    await _answered(event, deps)
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
