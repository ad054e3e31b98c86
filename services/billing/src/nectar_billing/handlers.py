"""Billing handlers: `verb_noun(event, deps) -> list[Event]`.

Billing's events leave only through the outbox (written in the same transaction as the
state change, relayed to NATS by `OutboxRelay`), so handlers return `[]` to the runtime.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from nectar_contracts import (
    Event,
    PaymentReceived,
    PlanChanged,
    TurnReceived,
    UserCreated,
    UserDeleted,
)
from nectar_runtime import Poison

from nectar_billing.domain import BillingError, UnknownUser, UserRejected, telegram_user
from nectar_billing.domain.ledger import LedgerEntry, PlanState, derive_plan_state
from nectar_billing.domain.plans import PlanCatalog, PlanCatalogError, load_catalog
from nectar_billing.domain.webhooks import (
    CARD,
    CRYPTOBOT,
    CRYPTOBOT_SIGNATURE_HEADER,
    PADDLE_SIGNATURE_HEADER,
    ProviderPayment,
    parse_cryptobot,
    parse_paddle,
    verify_cryptobot,
    verify_paddle,
)
from nectar_billing.ports import Invoice, PendingWebhook, UnitOfWorkFactory

PRODUCER = "billing"
#: durable consumer name; also the `consumer` column of `processed_events`
ENSURE_USER_CONSUMER = "billing-turn_received"
#: durable consumer of the edge's Stars payments
STARS_CONSUMER = "billing-payment_received"
#: `audit_log.actor` of what the service does by itself
SYSTEM_ACTOR = "billing"

log = logging.getLogger("nectar.billing.handlers")


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class WebhookSecrets:
    """Provider secrets (plain strings only in memory; settings keep them as SecretStr)."""

    cryptobot_app_token: str = field(default="", repr=False)
    paddle_secret: str = field(default="", repr=False)
    paddle_max_skew_s: float = 5.0


@dataclass(frozen=True)
class Deps:
    """What billing handlers need."""

    uow: UnitOfWorkFactory
    catalog: PlanCatalog = field(default_factory=load_catalog)
    secrets: WebhookSecrets = field(default_factory=WebhookSecrets)
    clock: Callable[[], datetime] = _utcnow


async def ensure_user(event: TurnReceived, deps: Deps) -> list[Event]:
    """On every `chat.turn_received`: make sure the user exists.

    In one transaction: skip if this event id was already processed; otherwise create the
    user (auth source `telegram`, plan `free`, the turn's language) unless they exist (an
    existing row is never touched), write `billing.user_created` to the outbox when created,
    and record the event as processed.

    Emits (through the outbox): `billing.user_created`, once per user.
    Raises `Poison` for a user id that can never be stored (not positive).
    """
    try:
        user = telegram_user(event.user_id, event.language)
    except UserRejected as exc:
        raise Poison(str(exc)) from exc
    async with deps.uow() as uow:
        if not await uow.processed.claim(ENSURE_USER_CONSUMER, event.event_id):
            return []
        try:
            created = await uow.users.add_if_absent(user)
        except UserRejected as exc:
            raise Poison(str(exc)) from exc
        if created:
            await uow.outbox.put(event.caused(
                UserCreated, producer=PRODUCER, auth_source=user.auth_source, plan=user.plan,
                language=user.language))
        await uow.commit()
    if created:
        log.info("user created", extra={"user_id": user.id, "auth_source": user.auth_source,
                                        "plan": user.plan})
    return []


async def apply_ledger(uow: Any, user_id: int, deps: Deps,
                       cause: Event | None = None, index: int = 0,
                       stored: PlanState | None = None) -> PlanState:
    """Derive the user's plan state from their ledger; when it differs from the stored one
    (`stored`, read here unless given), store it and write `billing.plan_changed` to the
    outbox (same transaction)."""
    derived = derive_plan_state(await uow.ledger.entries(user_id), deps.clock())
    if stored is None:
        stored = await uow.plans.get(user_id)
    if derived != stored:
        await uow.plans.put(user_id, derived)
        fields = {"plan": derived.plan, "previous_plan": stored.plan,
                  "expires_at": derived.expires_at}
        await uow.outbox.put(
            cause.caused(PlanChanged, producer=PRODUCER, index=index, user_id=user_id,
                         **fields) if cause is not None
            else PlanChanged.new(producer=PRODUCER, user_id=user_id, **fields))
    return derived


def _payment_entry(provider: str, external_id: str, plan: str | None, amount: Decimal,
                   currency: str, occurred_at: datetime, deps: Deps) -> LedgerEntry:
    """A payment entry; the plan only counts when the amount covers its price."""
    credited: str | None = plan
    try:
        if plan is None or amount < deps.catalog.price(plan, currency):
            credited = None
    except PlanCatalogError:
        credited = None
    if credited is None:
        log.warning("payment does not buy a plan: recorded without one",
                    extra={"provider": provider, "external_id": external_id, "plan": plan,
                           "amount": str(amount), "currency": currency})
    return LedgerEntry(kind="payment", provider=provider, external_id=external_id,
                       plan=credited,
                       period_days=deps.catalog[credited].period_days if credited else None,
                       amount=amount, currency=currency, occurred_at=occurred_at)


async def record_stars_payment(event: PaymentReceived, deps: Deps) -> list[Event]:
    """On `billing.payment_received` from the edge (Telegram Stars): append the payment to
    the ledger once per charge id and derive the plan.

    One transaction: the (consumer, event id) claim, the user (created if unseen), the
    ledger row (unique on provider + charge id, so a second event for the same charge adds
    nothing), the plan state and `billing.plan_changed` in the outbox. Payments of other
    providers arrive as webhooks and are ignored here.
    """
    if event.provider != "telegram_stars":
        return []
    try:
        user = telegram_user(event.user_id, None)
    except UserRejected as exc:
        raise Poison(str(exc)) from exc
    async with deps.uow() as uow:
        if not await uow.processed.claim(STARS_CONSUMER, event.event_id):
            return []
        if await uow.users.add_if_absent(user):
            await uow.outbox.put(event.caused(UserCreated, producer=PRODUCER, index=1,
                                              auth_source="telegram", plan="free"))
        stored = await uow.plans.lock(event.user_id)
        entry = _payment_entry("telegram_stars", event.external_id, event.plan, event.amount,
                               event.currency, event.occurred_at, deps)
        if await uow.ledger.append(event.user_id, entry):
            await apply_ledger(uow, event.user_id, deps, cause=event, stored=stored)
        else:
            log.info("stars payment already in the ledger",
                     extra={"external_id": event.external_id, "user_id": event.user_id})
        await uow.commit()
    return []


# --- provider webhooks: record first (inside the HTTP request), process after -----------

@dataclass(frozen=True)
class WebhookAnswer:
    status_code: int
    outcome: str  # recorded | duplicate | ignored | unauthorized | malformed


PARSERS: dict[str, Callable[[bytes], ProviderPayment | None]] = {
    CRYPTOBOT: parse_cryptobot, CARD: parse_paddle}


async def receive_webhook(provider: str, raw_body: bytes, headers: Mapping[str, str],
                          deps: Deps, now: float) -> WebhookAnswer:
    """A provider's HTTP notification: verify, then record it; processing happens later.

    Bad or stale signature: 401 and nothing is written. A notification that is not a
    payment: 200, nothing written. A payment: recorded in `processed_webhooks` (unique on
    provider + payment id, so repeats are recognised) and answered 200 at once.
    """
    from nectar_billing.domain import InvalidSignature
    from nectar_billing.domain.webhooks import MalformedNotification

    try:
        if provider == CRYPTOBOT:
            if not deps.secrets.cryptobot_app_token:
                raise InvalidSignature("no Crypto Pay app token configured")
            verify_cryptobot(raw_body, headers.get(CRYPTOBOT_SIGNATURE_HEADER),
                             deps.secrets.cryptobot_app_token)
        else:
            if not deps.secrets.paddle_secret:
                raise InvalidSignature("no Paddle webhook secret configured")
            verify_paddle(raw_body, headers.get(PADDLE_SIGNATURE_HEADER),
                          deps.secrets.paddle_secret, now=now,
                          max_skew_s=deps.secrets.paddle_max_skew_s)
    except InvalidSignature as exc:
        log.warning("webhook refused", extra={"provider": provider, "reason": str(exc)})
        return WebhookAnswer(401, "unauthorized")
    try:
        payment = PARSERS[provider](raw_body)
    except MalformedNotification as exc:
        log.warning("webhook unreadable", extra={"provider": provider, "reason": str(exc)})
        return WebhookAnswer(400, "malformed")
    if payment is None:
        return WebhookAnswer(200, "ignored")
    async with deps.uow() as uow:
        new = await uow.webhooks.record(provider, payment.external_id, payment.event_type,
                                        json.loads(raw_body))
        await uow.commit()
    return WebhookAnswer(200, "recorded" if new else "duplicate")


async def process_webhook(webhook: PendingWebhook, uow: Any, deps: Deps) -> str:
    """Process one recorded notification inside `uow`; returns its final status.

    Unknown invoice: logged, no effect. Amount or currency short of the invoice: logged as
    `mismatch`, no effect. Otherwise the payment is appended to the ledger (once per
    provider + payment id) and the plan derived again.
    """
    payment = PARSERS[webhook.provider](json.dumps(webhook.body).encode())
    assert payment is not None  # only payments are recorded
    invoice: Invoice | None = await uow.invoices.get(webhook.provider, payment.invoice_ref)
    if invoice is None:
        log.warning("webhook for an unknown invoice: no effect",
                    extra={"provider": webhook.provider, "invoice_ref": payment.invoice_ref,
                           "external_id": payment.external_id})
        await uow.webhooks.finish(webhook.id, "unknown_invoice", None,
                                  f"no invoice {payment.invoice_ref!r}")
        return "unknown_invoice"
    if payment.currency != invoice.currency or payment.amount < invoice.amount:
        note = (f"paid {payment.amount} {payment.currency}, invoice is {invoice.amount} "
                f"{invoice.currency}")
        log.warning("webhook amount does not match its invoice: no effect",
                    extra={"provider": webhook.provider, "external_id": payment.external_id,
                           "note": note})
        await uow.webhooks.finish(webhook.id, "mismatch", invoice.user_id, note)
        return "mismatch"
    stored = await uow.plans.lock(invoice.user_id)
    if stored is None:  # the invoice cascades away with its user: a race with a deletion
        await uow.webhooks.finish(webhook.id, "unknown_invoice", None, "user deleted")
        return "unknown_invoice"
    entry = _payment_entry(webhook.provider, payment.external_id, invoice.plan,
                           payment.amount, payment.currency, payment.occurred_at, deps)
    status = "credited" if await uow.ledger.append(invoice.user_id, entry) else "duplicate"
    if status == "credited":
        await apply_ledger(uow, invoice.user_id, deps, stored=stored)
    await uow.webhooks.finish(webhook.id, status, invoice.user_id, None)
    return status


async def process_pending_webhooks(deps: Deps, limit: int = 50) -> int:
    """Process up to `limit` recorded notifications in one transaction. Returns how many.

    Should one of them fail, the batch is rolled back and its notifications are processed
    one transaction each, so a poison notification (logged, left `received`, retried on a
    later sweep) does not hold the others back.

    The transaction commits without waiting for its WAL flush (`synchronous_commit = off`):
    the durable fact is the recorded notification; should a crash lose this commit, the
    notification is still `received` and is processed again, with the same outcome (the
    ledger is unique on provider + payment id).
    """
    ids: list[int] = []
    try:
        async with deps.uow() as uow:
            await uow.defer_durability()
            pending = await uow.webhooks.claim_pending(limit)
            ids = [w.id for w in pending]
            for webhook in pending:
                await process_webhook(webhook, uow, deps)
            await uow.commit()
        return len(ids)
    except Exception:
        if not ids:
            raise
        log.warning("webhook batch failed; processing one by one", exc_info=True)
    done = 0
    for webhook_id in ids:
        try:
            async with deps.uow() as uow:
                for webhook in await uow.webhooks.claim_pending(1, only_id=webhook_id):
                    await process_webhook(webhook, uow, deps)
                    done += 1
                await uow.commit()
        except Exception:
            log.warning("webhook processing failed; left for a later sweep", exc_info=True,
                        extra={"webhook_id": webhook_id})
    return done


async def expire_plans(deps: Deps, limit: int = 100) -> int:
    """Periodic: users whose stored plan has lapsed get their state derived again (free,
    unless a later ledger entry says otherwise) and `billing.plan_changed` via the outbox.
    Returns how many users were looked at."""
    async with deps.uow() as uow:
        due = await uow.plans.lapsed(deps.clock(), limit)
    for user_id in due:
        async with deps.uow() as uow:
            stored = await uow.plans.lock(user_id)
            if stored is not None:
                await apply_ledger(uow, user_id, deps, stored=stored)
                await uow.commit()
    return len(due)


# --- operator actions (nectar users / nectar billing) -------------------------------------

async def _locked_user(uow: Any, user_id: int) -> None:
    if await uow.users.get(user_id, lock=True) is None:
        raise UnknownUser(f"no user {user_id}")


async def grant_plan(user_id: int, plan: str, days: int | None, actor: str, reason: str,
                     deps: Deps) -> PlanState:
    """Grant `plan` (for `days`, or open-ended) as a ledger entry with an audit row; the
    plan state is derived again and `billing.plan_changed` leaves through the outbox."""
    deps.catalog[plan]
    if plan == "free":
        raise BillingError("granting free is a revoke; use revoke")
    async with deps.uow() as uow:
        await _locked_user(uow, user_id)
        external_id = f"grant:{uuid.uuid4()}"
        await uow.ledger.append(user_id, LedgerEntry(
            kind="grant", provider="admin", external_id=external_id, plan=plan,
            period_days=days, amount=Decimal(0), currency="XTR", occurred_at=deps.clock()))
        await uow.audit.write(actor, "grant_plan", user_id, {
            "plan": plan, "days": days, "reason": reason, "ledger_external_id": external_id})
        state = await apply_ledger(uow, user_id, deps)
        await uow.commit()
    return state


async def revoke_plan(user_id: int, actor: str, reason: str, deps: Deps) -> PlanState:
    """End the user's current plan (a `revoke` ledger entry) with an audit row."""
    async with deps.uow() as uow:
        await _locked_user(uow, user_id)
        external_id = f"revoke:{uuid.uuid4()}"
        await uow.ledger.append(user_id, LedgerEntry(
            kind="revoke", provider="admin", external_id=external_id, plan=None,
            period_days=None, amount=Decimal(0), currency="XTR", occurred_at=deps.clock()))
        await uow.audit.write(actor, "revoke_plan", user_id, {
            "reason": reason, "ledger_external_id": external_id})
        state = await apply_ledger(uow, user_id, deps)
        await uow.commit()
    return state


@dataclass(frozen=True)
class PlanDifference:
    user_id: int
    stored: PlanState
    derived: PlanState


async def rebuild_plans(deps: Deps, *, apply: bool, actor: str = SYSTEM_ACTOR
                        ) -> list[PlanDifference]:
    """Derive every user's plan state from the ledger again and report where it differs
    from the stored state; with `apply`, store the derived state (with `plan_changed`)."""
    async with deps.uow() as uow:
        candidates = sorted(set(await uow.ledger.users_with_entries())
                            | set(await uow.plans.non_free_users()))
    differences = []
    for user_id in candidates:
        async with deps.uow() as uow:
            if await uow.users.get(user_id, lock=apply) is None:
                continue
            stored = await uow.plans.get(user_id)
            derived = derive_plan_state(await uow.ledger.entries(user_id), deps.clock())
            if stored == derived:
                continue
            differences.append(PlanDifference(user_id, stored, derived))
            if apply:
                await apply_ledger(uow, user_id, deps)
                await uow.audit.write(actor, "rebuild_plan", user_id, {
                    "stored": [stored.plan, _iso(stored.expires_at)],
                    "derived": [derived.plan, _iso(derived.expires_at)]})
                await uow.commit()
    return differences


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class CleanupResult:
    count: int
    deleted: list[int]


class CountMismatch(BillingError):
    """`--expect N` does not equal what the filter selects: nothing was deleted."""


async def create_test_users(count: int, actor: str, deps: Deps,
                            language: str | None = "en") -> list[int]:
    """Create `count` test users (auth source `test`, ids from their own sequence, plain
    INSERT). `billing.user_created` for each leaves through the outbox."""
    if not 1 <= count <= 10_000:
        raise BillingError("count must be between 1 and 10000")
    async with deps.uow() as uow:
        ids = [await uow.users.allocate("test", language) for _ in range(count)]
        for user_id in ids:
            await uow.outbox.put(UserCreated.new(producer=PRODUCER, user_id=user_id,
                                                 auth_source="test", plan="free",
                                                 language=language))
        await uow.audit.write(actor, "create_test_users", None,
                              {"count": count, "first": ids[0], "last": ids[-1]})
        await uow.commit()
    return ids


async def cleanup_test_users(deps: Deps, *, apply: bool, expect: int | None,
                             actor: str) -> CleanupResult:
    """Delete users with `auth_source = 'test'` (that filter only; never an id range).

    Without `apply`: count only. With it, `expect` must equal the count, and the number of
    deleted rows must equal it too, else everything is rolled back (`CountMismatch`).
    Each deleted user gets `billing.user_deleted` through the outbox.
    """
    async with deps.uow() as uow:
        count = await uow.users.count("test")
        if not apply:
            return CleanupResult(count, [])
        if expect is None or expect != count:
            raise CountMismatch(f"--expect {expect} but {count} test users match; nothing "
                                "deleted")
        deleted = await uow.users.delete_test_users()
        if len(deleted) != expect:
            raise CountMismatch(f"deleted {len(deleted)} rows, expected {expect}; rolled back")
        for user_id in deleted:
            await uow.outbox.put(UserDeleted.new(producer=PRODUCER, user_id=user_id,
                                                 reason="test user cleanup"))
        await uow.audit.write(actor, "cleanup_test_users", None, {"deleted": len(deleted)})
        await uow.commit()
    return CleanupResult(count, deleted)


@dataclass(frozen=True)
class Deletion:
    user_id: int
    anonymised_ledger_rows: int
    removed_webhooks: int


async def delete_user(user_id: int, reason: str, actor: str, deps: Deps) -> Deletion:
    """GDPR erasure: remove the user's rows; keep their ledger rows (money law) but detach
    them from the user (anonymised); emit `billing.user_deleted` for the other services."""
    async with deps.uow() as uow:
        await _locked_user(uow, user_id)
        anonymised = await uow.ledger.anonymise(user_id)
        webhooks = await uow.webhooks.forget_user(user_id)
        await uow.audit.forget_user(user_id)
        await uow.outbox.forget_published(user_id)
        await uow.users.delete(user_id)  # cascades: subscriptions, invoices
        await uow.outbox.put(UserDeleted.new(producer=PRODUCER, user_id=user_id,
                                             reason=reason))
        await uow.audit.write(actor, "delete_user", None, {
            "reason": reason, "anonymised_ledger_rows": anonymised})
        await uow.commit()
    return Deletion(user_id, anonymised, webhooks)


HANDLERS = {TurnReceived: ensure_user, PaymentReceived: record_stars_payment}
