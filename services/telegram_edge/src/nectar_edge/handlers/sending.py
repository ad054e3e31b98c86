"""Sending to Telegram once per delivery key, across retries, crashes and replicas.

Every outgoing message has a delivery record (`nectar_edge.domain.delivery`): a bus event's
id for replies, apologies, images and voice notes; `answer_key(...)` for what the edge sends
while handling an update (command answers, refusal notices, invoices, group notes), so a
redelivered update answers nothing twice either. The Bot API has no idempotency key: the
one window no record covers is between Telegram's answer and the write of its message id
(a crash there sends that one message again on redelivery). Everything else holds: a
recorded message is never sent again, and recording never gives up while the process
lives (the store being down is waited out, not turned into a resend).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence

from nectar_runtime import Poison, Retry, outage_of

from nectar_edge.deps import Deps
from nectar_edge.domain.delivery import DeliveryRecord
from nectar_edge.domain.errors import MessageRejected, RateLimited, RecipientUnavailable
from nectar_edge.domain.messages import (
    InvoicePart,
    OutgoingPart,
    PhotoPart,
    PhotoUpload,
    TextPart,
    VoicePart,
)
from nectar_edge.ports import Messenger

log = logging.getLogger("nectar.telegram_edge.sending")

#: longest pause between two tries of recording a sent message while the store is down
MAX_RECORD_PAUSE_S = 2.0


def answer_key(bot_id: int, update_id: int, chat_id: int, purpose: str) -> str:
    """The delivery key of what the edge sends to `chat_id` while handling one update;
    `purpose` tells the messages of one update apart (the i18n key of the text)."""
    return f"update:{bot_id}:{update_id}:{chat_id}:{purpose}"


async def recipient_gone(user_id: int, chat_id: int, reason: str, deps: Deps) -> None:
    """Telegram says the chat cannot be written to: in the user's private chat the user is
    marked inactive (nothing more is sent until they write again); a group that is gone
    says nothing about the user, whose state stays as it is."""
    if chat_id != user_id:
        log.warning("chat unreachable; no user state changed",
                    extra={"user_id": user_id, "chat_id": chat_id, "reason": reason})
        return
    await deps.users.mark_inactive(user_id, reason)
    log.warning("user unreachable, marked inactive", extra={"user_id": user_id,
                                                            "reason": reason})


async def _send(messenger: Messenger, chat_id: int, part: OutgoingPart) -> int:
    match part:
        case TextPart(text=text, keyboard=keyboard):
            if keyboard:
                return await messenger.send_text(chat_id, text, keyboard)
            return await messenger.send_text(chat_id, text)
        case PhotoPart(url=url, caption=caption):
            return await messenger.send_photo(chat_id, url, caption)
        case PhotoUpload(data=data, filename=filename, caption=caption):
            return await messenger.send_photo_file(chat_id, data, filename, caption)
        case VoicePart(audio=audio, duration_s=duration):
            return await messenger.send_voice(chat_id, audio, duration)
        case InvoicePart(title=title, description=description, payload=payload,
                         amount=amount):
            return await messenger.send_invoice(chat_id, title, description, payload, amount)
    raise TypeError(f"unknown part {part!r}")


async def send_once(key: str, user_id: int, chat_id: int, parts: Sequence[OutgoingPart],
                    deps: Deps) -> tuple[int, ...] | None:
    """Send `parts` once for `key` across retries and replicas; return the Telegram message
    ids, or None when the chat cannot be written to (see `recipient_gone`).

    Already `sent` -> the stored ids, nothing sent; someone else's live claim -> `Retry`
    later; claimed -> send the parts not sent yet, each one's id recorded right after it
    went out (a 429 between parts, or a crash, never resends a recorded part). Raises
    `Retry` on 429 (after `retry_after`), `Poison` when Telegram rejects the message, and
    lets transient failures propagate (retried with backoff by the runtime).
    """
    policy = deps.policy
    owner = uuid.uuid4().hex
    record = await deps.deliveries.claim(key, owner, policy.delivery_claim_ttl_s,
                                         policy.delivery_record_ttl_s)
    if record.status == "sent":
        log.info("already delivered", extra={"key": key, "message_ids": record.message_ids})
        return record.message_ids
    if not record.claimed_by(owner):
        raise Retry(f"delivery of {key} in flight elsewhere", policy.delivery_in_flight_retry_s)
    sent = list(record.message_ids)
    try:
        for index in range(len(sent), len(parts)):
            sent.append(await _send(deps.messenger, chat_id, parts[index]))
            await _remember(key, owner, tuple(sent), index + 1 == len(parts), deps)
    except RateLimited as exc:
        await _release(key, owner, sent, deps)
        raise Retry(f"telegram rate limit: {exc}", exc.retry_after_s) from exc
    except RecipientUnavailable as exc:
        await _release(key, owner, sent, deps)
        await recipient_gone(user_id, chat_id, str(exc), deps)
        log.warning("recipient unavailable; message dropped",
                    extra={"user_id": user_id, "chat_id": chat_id, "reason": str(exc)})
        return None
    except MessageRejected as exc:
        await _release(key, owner, sent, deps)
        raise Poison(f"telegram rejected the message: {exc}") from exc
    except BaseException:
        await _release(key, owner, sent, deps)
        raise
    return tuple(sent)


async def _remember(key: str, owner: str, ids: tuple[int, ...], last: bool,
                    deps: Deps) -> None:
    """Record the ids sent so far (`sent` after the last part). The message is out: while
    our store does not answer, recording is tried again (the runtime keeps the message's
    lease alive meanwhile) rather than failing, which would send it again on redelivery."""
    policy = deps.policy
    pause = 0.05
    while True:
        try:
            if last:
                await deps.deliveries.save(key, DeliveryRecord("sent", ids),
                                           policy.delivery_record_ttl_s)
            else:
                await deps.deliveries.progress(key, owner, ids, policy.delivery_claim_ttl_s,
                                               policy.delivery_record_ttl_s)
            return
        except Exception as exc:
            dependency = outage_of(exc)
            if dependency is None:
                raise
            log.warning("sent message not recorded yet; trying again", extra={
                "key": key, "message_ids": ids, "dependency": dependency, "pause_s": pause})
            await asyncio.sleep(pause)
            pause = min(pause * 2, MAX_RECORD_PAUSE_S)


async def _release(key: str, owner: str, sent: list[int], deps: Deps) -> None:
    """Give up a claim after a failure: keep what was sent as `partial`, or drop it."""
    try:
        if sent:
            await deps.deliveries.save(key, DeliveryRecord("partial", tuple(sent)),
                                       deps.policy.delivery_record_ttl_s)
        else:
            await deps.deliveries.drop(key, owner)
    except Exception:  # the lease runs out on its own; do not mask the original error
        log.warning("could not release delivery claim", exc_info=True, extra={"key": key})
