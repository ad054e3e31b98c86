"""Pictures: `/image` (its progress message and Cancel button) and media's answers
(the photo, progress, failure, cancellation), each sent once (`handlers.sending`)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from nectar_contracts import (
    Event,
    ImageCancelled,
    ImageCancelRequested,
    ImageFailed,
    ImageProgress,
    ImageReady,
    ImageRequested,
    keyed_uuid7,
)

from nectar_edge.deps import PRODUCER, Deps
from nectar_edge.domain.i18n import translate
from nectar_edge.domain.messages import Button, IncomingMessage, Keyboard, PhotoUpload, TextPart
from nectar_edge.handlers.chat import mark_answered
from nectar_edge.handlers.common import acknowledge, answer, language_of, resolve_conversation
from nectar_edge.handlers.delivery import deliver, upsell_keyboard
from nectar_edge.handlers.sending import answer_key, send_once

log = logging.getLogger("nectar.telegram_edge.images")

#: `media.image_failed` reasons with their own words; the rest get `image_failed`
_IMAGE_FAILURES = {"not_available": "image_unavailable", "quota": "image_quota",
                   "not_visual": "image_not_visual", "bad_input": "image_bad_input",
                   "timeout": "image_timeout", "content_blocked": "image_blocked"}
#: progress older than this is a backlog, not news
_STALE_PROGRESS_S = 30.0
_IMAGE_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


def cancel_keyboard(job_id: uuid.UUID, language: str) -> Keyboard:
    """The Cancel button of an image job's progress message (`imgcancel:<job id>`)."""
    return ((Button(translate("image_cancel_button", language), f"imgcancel:{job_id}"),),)


async def request_image(message: IncomingMessage, prompt: str | None, deps: Deps) -> list[Event]:
    """On `/image <prompt>`: send the job's progress message (with a Cancel button), once
    per update, and emit `media.image_requested` (a chat picture; media applies the plan's
    daily quota). The job id and the event id derive from the update, so a retried update
    asks for the same job. An empty prompt gets a usage hint and emits nothing."""
    language = language_of(message, deps)
    prompt = (prompt or "").strip()
    if not prompt:
        await answer(message, translate("image_usage", language), deps, purpose="image_usage")
        return []
    conv = await resolve_conversation(message, deps)
    job_id = keyed_uuid7(f"telegram-image|{message.bot_id}|{message.update_id}",
                         message.sent_at)
    ids = await send_once(
        answer_key(message.bot_id, message.update_id, message.chat_id, "image_queued"),
        message.user_id, message.chat_id,
        [TextPart(translate("image_queued", language), cancel_keyboard(job_id, language))],
        deps)
    if ids is None:  # the chat cannot be written to: nobody to draw for
        return []
    return [ImageRequested(
        event_id=job_id, correlation_id=job_id, producer=PRODUCER, user_id=message.user_id,
        chat_id=message.chat_id, character=conv.character, session=conv.session,
        job_id=job_id, prompt=prompt, language=language, plan=conv.plan, kind="chat",
        status_message_id=ids[0] if ids else None,
    )]


async def request_image_cancel(message: IncomingMessage, job: str, callback_id: str,
                               deps: Deps) -> list[Event]:
    """On the Cancel button of a job's progress message: emit
    `media.image_cancel_requested` (its id derives from the update) and say it is being
    cancelled; media answers with `media.image_cancelled` unless the picture was done.
    A button with a job id that is not one is answered and ignored."""
    try:
        job_id = uuid.UUID(job)
    except ValueError:
        await acknowledge(callback_id, deps)
        return []
    try:
        await deps.messenger.answer_callback(
            callback_id, translate("image_cancelling", language_of(message, deps)))
    except Exception:  # noqa: BLE001  # cosmetic
        log.info("answerCallbackQuery failed")
    event_id = keyed_uuid7(f"telegram-image-cancel|{message.bot_id}|{message.update_id}",
                           message.sent_at)
    return [ImageCancelRequested(event_id=event_id, correlation_id=job_id, producer=PRODUCER,
                                 user_id=message.user_id, job_id=job_id)]


def _for_a_user(event: Event) -> bool:
    """Image events of user 0 are system jobs (`nectar media prerender`): nobody to tell."""
    return event.user_id > 0 and getattr(event, "chat_id", 0) != 0


async def _drop_status(event: ImageReady | ImageFailed | ImageCancelled, deps: Deps) -> None:
    """The job is answered: stop its chat action, then delete its progress message.
    Deleting rather than editing it: a progress edit still on its way on another consumer
    cannot bring a deleted message back, it only fails. Best effort."""
    await mark_answered(event, deps)
    if not event.status_message_id:
        return
    try:
        await deps.messenger.delete_message(event.chat_id, event.status_message_id)
    except Exception as exc:  # noqa: BLE001  # the outcome is told anyway
        log.info("progress message not deleted", extra={"error": f"{type(exc).__name__}"})


async def deliver_image(event: ImageReady, deps: Deps) -> list[Event]:
    """On `media.image_ready`: read the image from media's bucket and upload it with its
    caption (`sendPhoto` multipart: Telegram cannot fetch a local URL), once; then delete
    the progress message. Emits nothing. An image missing from the store gets the apology
    instead; a store outage is retried."""
    if not _for_a_user(event):
        return []
    if deps.media_files is None:
        raise RuntimeError("the edge has no media file reader (object storage)")
    try:
        data = await deps.media_files.read(event.bucket, event.object_key)
    except KeyError:
        log.error("image missing from the store", extra={"key": event.object_key})
        await deliver(event, event.chat_id,
                      [TextPart(translate("image_failed", event.language))], deps)
        await _drop_status(event, deps)
        return []
    name = f"{event.job_id}.{_IMAGE_EXTENSIONS.get(event.mime_type, 'png')}"
    await deliver(event, event.chat_id, [PhotoUpload(data, name, event.caption)], deps)
    await _drop_status(event, deps)
    return []


async def show_image_progress(event: ImageProgress, deps: Deps) -> list[Event]:
    """On `media.image_progress` (media sends at most one per job every 2 s): edit the
    job's progress message to the new percentage, Cancel button kept. Skipped when there is
    no progress message, when the job is already answered (the events travel on separate
    consumers), or when the event is stale. Best effort; emits nothing."""
    if not _for_a_user(event) or not event.status_message_id:
        return []
    age_s = (datetime.now(UTC) - event.occurred_at).total_seconds()
    if age_s > _STALE_PROGRESS_S:
        return []
    try:
        if await deps.deliveries.answered(str(event.correlation_id)):
            return []
        await deps.messenger.edit_text(
            event.chat_id, event.status_message_id,
            translate("image_progress", event.language, percent=str(event.percent)),
            cancel_keyboard(event.job_id, event.language))
    except Exception as exc:  # noqa: BLE001  # cosmetic: the next progress tries again
        log.info("progress not shown", extra={"error": f"{type(exc).__name__}"})
    return []


async def apologize_image_failed(event: ImageFailed, deps: Deps) -> list[Event]:
    """On `media.image_failed`: tell the user why in their language (quota: with the
    upgrade button), once, and delete the progress message. Emits nothing."""
    if not _for_a_user(event):
        return []
    text = translate(_IMAGE_FAILURES.get(event.reason, "image_failed"), event.language)
    keyboard = upsell_keyboard(event.language, None, deps.policy.star_prices) \
        if event.reason == "quota" else ()
    await deliver(event, event.chat_id, [TextPart(text, keyboard)], deps)
    await _drop_status(event, deps)
    return []


async def confirm_image_cancelled(event: ImageCancelled, deps: Deps) -> list[Event]:
    """On `media.image_cancelled`: say so, once, and delete the progress message. Emits
    nothing."""
    if not _for_a_user(event):
        return []
    await deliver(event, event.chat_id, [TextPart(translate("image_cancelled",
                                                            event.language))], deps)
    await _drop_status(event, deps)
    return []
