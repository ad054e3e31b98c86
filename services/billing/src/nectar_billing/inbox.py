"""Provider webhooks: record first (inside the HTTP request), process after.

`receive_webhook` runs inside the request: verify, parse, record one row, answer. The
`WebhookProcessor` job (`entrypoints/jobs.py`) then calls `process_pending_webhooks`, which
credits what was recorded. Splitting the two keeps the provider's answer fast and makes a
crash between them harmless: a recorded notification stays `received` until processed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from nectar_runtime import outage_of

from nectar_billing.deps import Deps
from nectar_billing.domain import InvalidSignature, StoreRejected
from nectar_billing.domain.ledger import refund_entry
from nectar_billing.domain.plans import payment_entry
from nectar_billing.domain.webhooks import (
    CARD,
    CRYPTOBOT,
    CRYPTOBOT_SIGNATURE_HEADER,
    PADDLE_SIGNATURE_HEADER,
    Ignored,
    MalformedNotification,
    Notification,
    ProviderPayment,
    parse_cryptobot,
    parse_paddle,
    verify_cryptobot,
    verify_paddle,
)
from nectar_billing.handlers import apply_ledger
from nectar_billing.ports import Invoice, PendingWebhook, UnitOfWork, WebhookStatus

log = logging.getLogger("nectar.billing.webhooks")

PARSERS: dict[str, Callable[[bytes], Notification]] = {
    CRYPTOBOT: parse_cryptobot, CARD: parse_paddle}
PROVIDERS = tuple(PARSERS)


@dataclass(frozen=True)
class WebhookAnswer:
    status_code: int
    outcome: str  # recorded | duplicate | ignored | unauthorized | malformed


def verify_webhook(provider: str, raw_body: bytes, headers: Mapping[str, str], deps: Deps,
                   now: float) -> None:
    """Raise `InvalidSignature` unless the provider's signature covers the body (and, for
    Paddle, its timestamp lies inside the replay window)."""
    secrets = deps.secrets
    if provider == CRYPTOBOT:
        if not secrets.cryptobot_app_token:
            raise InvalidSignature("no Crypto Pay app token configured")
        verify_cryptobot(raw_body, headers.get(CRYPTOBOT_SIGNATURE_HEADER),
                         secrets.cryptobot_app_token)
    elif provider == CARD:
        if not secrets.paddle_secret:
            raise InvalidSignature("no Paddle webhook secret configured")
        verify_paddle(raw_body, headers.get(PADDLE_SIGNATURE_HEADER), secrets.paddle_secret,
                      now=now, max_skew_s=secrets.paddle_max_skew_s)
    else:
        raise InvalidSignature(f"unknown provider {provider!r}")


async def receive_webhook(provider: str, raw_body: bytes, headers: Mapping[str, str],
                          deps: Deps, now: float) -> WebhookAnswer:
    """A provider's HTTP notification: verify, then record it; processing happens later.

    Bad or stale signature: 401 and nothing is written. A notification that is neither a
    payment nor a refund, or a sale Nectar did not start: 200, nothing written (logged with
    the reason). A payment or refund: recorded in `processed_webhooks` (unique on
    provider + payment or refund id, so repeats are recognised) and answered 200 at once.
    Raises `StoreUnavailable` when it cannot be recorded (the route answers 503).
    """
    try:
        verify_webhook(provider, raw_body, headers, deps, now)
    except InvalidSignature as exc:
        log.warning("webhook refused", extra={"provider": provider, "reason": str(exc)})
        return WebhookAnswer(401, "unauthorized")
    try:
        payment = PARSERS[provider](raw_body)
    except MalformedNotification as exc:
        log.warning("webhook unreadable", extra={"provider": provider, "reason": str(exc)})
        return WebhookAnswer(400, "malformed")
    if isinstance(payment, Ignored):
        log.info("webhook ignored", extra={"provider": provider, "reason": payment.reason})
        return WebhookAnswer(200, "ignored")
    async with deps.uow() as uow:
        new = await uow.webhooks.record(provider, payment.external_id, payment.event_type,
                                        json.loads(raw_body))
        await uow.commit()
    return WebhookAnswer(200, "recorded" if new else "duplicate")


async def _finish(uow: UnitOfWork, webhook: PendingWebhook, status: WebhookStatus,
                  user_id: int | None, note: str | None, **log_extra: object) -> WebhookStatus:
    if note:
        log.warning(f"webhook not credited: {status}",
                    extra={"provider": webhook.provider, "webhook_id": webhook.id,
                           "note": note, **log_extra})
    await uow.webhooks.finish(webhook.id, status, user_id, note)
    return status


def _short_of(payment: ProviderPayment, invoice: Invoice) -> str | None:
    if payment.currency != invoice.currency or payment.amount < invoice.amount:
        return (f"paid {payment.amount} {payment.currency}, invoice is {invoice.amount} "
                f"{invoice.currency}")
    return None


def _parse_recorded(webhook: PendingWebhook) -> ProviderPayment:
    parsed = PARSERS[webhook.provider](json.dumps(webhook.body).encode())
    if not isinstance(parsed, ProviderPayment):  # recorded by an older version, perhaps
        raise MalformedNotification(f"recorded notification is not a payment or refund: "
                                    f"{parsed.reason}")
    return parsed


async def process_webhook(webhook: PendingWebhook, uow: UnitOfWork, deps: Deps
                          ) -> WebhookStatus:
    """Process one recorded notification inside `uow`; returns its final status.

    A payment: unknown invoice: logged, no effect. Amount or currency short of the invoice:
    logged as `mismatch`, no effect. Otherwise the payment is appended to the ledger (once
    per provider + payment id) and the plan derived again. A refund: see `process_refund`.
    """
    payment = _parse_recorded(webhook)
    if payment.kind == "refund":
        return await process_refund(webhook, payment, uow, deps)
    invoice = await uow.invoices.get(webhook.provider, payment.invoice_ref)
    if invoice is None:
        log.warning("webhook for an unknown invoice: no effect",
                    extra={"provider": webhook.provider, "invoice_ref": payment.invoice_ref,
                           "external_id": payment.external_id})
        return await _finish(uow, webhook, "unknown_invoice", None,
                             f"no invoice {payment.invoice_ref!r}")
    if (short := _short_of(payment, invoice)) is not None:
        return await _finish(uow, webhook, "mismatch", invoice.user_id, short,
                             external_id=payment.external_id)
    stored = await uow.plans.lock(invoice.user_id)
    if stored is None:  # the invoice cascades away with its user: a race with a deletion
        return await _finish(uow, webhook, "unknown_invoice", None, "user deleted")
    entry = payment_entry(deps.catalog, provider=webhook.provider,
                          external_id=payment.external_id, plan=invoice.plan,
                          amount=payment.amount, currency=payment.currency,
                          occurred_at=payment.occurred_at)
    status: WebhookStatus = ("credited" if await uow.ledger.append(invoice.user_id, entry)
                             else "duplicate")
    if status == "credited":
        await apply_ledger(uow, invoice.user_id, deps, stored=stored)
    return await _finish(uow, webhook, status, invoice.user_id, None)


async def process_refund(webhook: PendingWebhook, refund: ProviderPayment, uow: UnitOfWork,
                         deps: Deps) -> WebhookStatus:
    """A provider refund: appended to the ledger of the user who made the refunded payment
    (once per refund id), and the plan derived again (a full refund cancels what the
    payment bought). A refund of a payment the ledger does not hold (a sale Nectar did not
    start, or an anonymised account) is marked `unknown_payment` and has no effect."""
    assert refund.refers_to is not None
    owner = await uow.ledger.owner_of(webhook.provider, refund.refers_to)
    stored = await uow.plans.lock(owner) if owner is not None else None
    if owner is None or stored is None:
        return await _finish(uow, webhook, "unknown_payment", None,
                             f"refund of {refund.refers_to!r}: no such payment in the ledger",
                             external_id=refund.external_id)
    entry = refund_entry(provider=webhook.provider, refund_id=refund.external_id,
                         refers_to=refund.refers_to, amount=refund.amount,
                         currency=refund.currency, occurred_at=refund.occurred_at)
    status: WebhookStatus = ("refunded" if await uow.ledger.append(owner, entry)
                             else "duplicate")
    if status == "refunded":
        await apply_ledger(uow, owner, deps, stored=stored)
        log.info("refund recorded", extra={"provider": webhook.provider, "user_id": owner,
                                           "refund_id": refund.external_id,
                                           "refers_to": refund.refers_to})
    return await _finish(uow, webhook, status, owner, None)


async def _give_up(deps: Deps, webhook: PendingWebhook, reason: str) -> None:
    """Mark the notification `dead` (own transaction): nothing credited, an alert."""
    async with deps.uow() as uow:
        await uow.webhooks.finish(webhook.id, "dead", None, reason[:2000])
        await uow.commit()
    deps.metrics.webhooks_dead.labels(webhook.provider).inc()
    deps.metrics.webhooks.labels(webhook.provider, "dead").inc()
    log.error("webhook given up: dead, nothing credited; an operator must look",
              extra={"provider": webhook.provider, "webhook_id": webhook.id,
                     "attempts": webhook.attempts + 1, "reason": reason[:500]})


async def _failed(deps: Deps, webhook: PendingWebhook, exc: Exception) -> None:
    """One failed attempt at `webhook` (its transaction rolled back): unreadable or refused
    by the database -> dead at once (retrying cannot help); anything else -> retried later
    with backoff, dead after the last allowed attempt. An outage is not an attempt."""
    if outage_of(exc) is not None:
        raise exc
    reason = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, (MalformedNotification, StoreRejected)) or \
            webhook.attempts + 1 >= deps.webhook_retry.max_attempts:
        await _give_up(deps, webhook, reason)
        return
    delay = deps.webhook_retry.delay_s(webhook.attempts + 1)
    async with deps.uow() as uow:
        await uow.webhooks.defer(webhook.id, reason,
                                 deps.clock() + timedelta(seconds=delay))
        await uow.commit()
    deps.metrics.webhook_failures.labels(webhook.provider).inc()
    log.warning("webhook processing failed; retried later", exc_info=exc,
                extra={"provider": webhook.provider, "webhook_id": webhook.id,
                       "attempts": webhook.attempts + 1, "retry_in_s": delay})


async def _one(deps: Deps, webhook: PendingWebhook) -> None:
    """Process one notification in its own transaction; a failure is recorded on the row."""
    try:
        async with deps.uow() as uow:
            for claimed in await uow.webhooks.claim_pending(1, deps.clock(),
                                                            only_id=webhook.id):
                status = await process_webhook(claimed, uow, deps)
                await uow.commit()
                deps.metrics.webhooks.labels(claimed.provider, status).inc()
    except Exception as exc:  # noqa: BLE001 (recorded on the row, or re-raised if an outage)
        await _failed(deps, webhook, exc)


async def process_pending_webhooks(deps: Deps, limit: int = 50) -> int:
    """Process up to `limit` due notifications in one transaction. Returns how many were
    taken (processed, deferred or given up): a full batch means more may be due.

    Should one of them fail, the batch is rolled back and its notifications are processed
    one transaction each: a failing one is deferred with backoff (fewest attempts are taken
    first, so it never holds back a fresh payment) and marked `dead` after its last allowed
    attempt (an alert), or at once when it cannot be read. An outage of the database is
    raised (the processor retries later) and counts as no attempt.

    The batch commits without waiting for its WAL flush (`synchronous_commit = off`): the
    durable fact is the recorded notification; should a crash lose this commit, the
    notification is still `received` and is processed again, with the same outcome (the
    ledger is unique on provider + payment id).
    """
    pending: list[PendingWebhook] = []
    outcomes: list[tuple[str, str]] = []
    try:
        async with deps.uow() as uow:
            await uow.defer_durability()
            pending = await uow.webhooks.claim_pending(limit, deps.clock())
            for webhook in pending:
                outcomes.append((webhook.provider, await process_webhook(webhook, uow, deps)))
            await uow.commit()
    except Exception as exc:
        if not pending or outage_of(exc) is not None:
            raise
        log.warning("webhook batch failed; processing one by one",
                    extra={"batch": len(pending), "error": f"{type(exc).__name__}: {exc}"})
        for webhook in pending:
            await _one(deps, webhook)
        return len(pending)
    for provider, status in outcomes:
        deps.metrics.webhooks.labels(provider, status).inc()
    return len(pending)
