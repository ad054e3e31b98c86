"""Operator actions behind `nectar users ...` and `nectar billing ...`: `verb_noun(..., deps)`.

They take the same `Deps` as the bus handlers (built by `bootstrap.operator_deps`, which
also refuses a database that is not at the newest schema). Events they cause
(`billing.user_created`, `billing.user_deleted`, `billing.plan_changed`) are written to the
outbox in the action's transaction; the running service's relay publishes them. Every
action writes an audit row with who did it and why.

Safety rules (RCA "We Deleted 10 Real Users with a Test-Cleanup Script", seeds): test users
are selected by `auth_source = 'test'` only, never by an id range; bulk deletion asserts the
expected count and rolls back on any difference.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from nectar_contracts import UserCreated, UserDeleted

from nectar_billing.deps import Deps
from nectar_billing.domain import BillingError, UnknownUser
from nectar_billing.domain.ledger import LedgerEntry, PlanState, derive_plan_state
from nectar_billing.domain.plans import grantable
from nectar_billing.handlers import PRODUCER, apply_ledger
from nectar_billing.ports import Invoice, UnitOfWork, WebhookView

#: `audit_log.actor` of what the service does by itself
SYSTEM_ACTOR = "billing"


async def _locked_user(uow: UnitOfWork, user_id: int) -> None:
    if await uow.users.get(user_id, lock=True) is None:
        raise UnknownUser(f"no user {user_id}")


async def _admin_entry(user_id: int, entry: LedgerEntry, actor: str, action: str,
                       details: dict[str, object], deps: Deps) -> PlanState:
    """Append an admin ledger entry with its audit row and derive the plan again."""
    async with deps.uow() as uow:
        await _locked_user(uow, user_id)
        await uow.ledger.append(user_id, entry)
        await uow.audit.write(actor, action, user_id,
                              {**details, "ledger_external_id": entry.external_id})
        state = await apply_ledger(uow, user_id, deps)
        await uow.commit()
    return state


async def grant_plan(user_id: int, plan: str, days: int | None, actor: str, reason: str,
                     deps: Deps) -> PlanState:
    """Grant `plan` (for `days`, or open-ended) as a ledger entry with an audit row; the
    plan state is derived again and `billing.plan_changed` leaves through the outbox."""
    grantable(deps.catalog, plan)
    entry = LedgerEntry(kind="grant", provider="admin", external_id=f"grant:{uuid.uuid4()}",
                        plan=plan, period_days=days, amount=Decimal(0), currency="XTR",
                        occurred_at=deps.clock())
    return await _admin_entry(user_id, entry, actor, "grant_plan",
                              {"plan": plan, "days": days, "reason": reason}, deps)


async def revoke_plan(user_id: int, actor: str, reason: str, deps: Deps) -> PlanState:
    """End the user's current plan (a `revoke` ledger entry) with an audit row."""
    entry = LedgerEntry(kind="revoke", provider="admin", external_id=f"revoke:{uuid.uuid4()}",
                        plan=None, period_days=None, amount=Decimal(0), currency="XTR",
                        occurred_at=deps.clock())
    return await _admin_entry(user_id, entry, actor, "revoke_plan", {"reason": reason}, deps)


@dataclass(frozen=True)
class PlanDifference:
    user_id: int
    stored: PlanState
    derived: PlanState


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def _rebuild_one(user_id: int, apply: bool, actor: str, deps: Deps
                       ) -> PlanDifference | None:
    async with deps.uow() as uow:
        if await uow.users.get(user_id, lock=apply) is None:
            return None
        stored = await uow.plans.get(user_id)
        derived = derive_plan_state(await uow.ledger.entries(user_id), deps.clock())
        if stored == derived:
            return None
        if apply:
            await apply_ledger(uow, user_id, deps)
            await uow.audit.write(actor, "rebuild_plan", user_id, {
                "stored": [stored.plan, _iso(stored.expires_at)],
                "derived": [derived.plan, _iso(derived.expires_at)]})
            await uow.commit()
    return PlanDifference(user_id, stored, derived)


async def rebuild_plans(deps: Deps, *, apply: bool, actor: str = SYSTEM_ACTOR
                        ) -> list[PlanDifference]:
    """Derive every user's plan state from the ledger again and report where it differs
    from the stored state; with `apply`, store the derived state (with `plan_changed`)."""
    async with deps.uow() as uow:
        candidates = sorted(set(await uow.ledger.users_with_entries())
                            | set(await uow.plans.non_free_users()))
    differences = []
    for user_id in candidates:
        if (difference := await _rebuild_one(user_id, apply, actor, deps)) is not None:
            differences.append(difference)
    return differences


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
    """GDPR erasure: remove the user's rows and every event about them still in the outbox;
    keep their ledger rows (money law) but detach them from the user (anonymised); emit
    `billing.user_deleted` for the other services (the one event kept: the tombstone every
    consumer, a later replay included, acts on)."""
    async with deps.uow() as uow:
        await _locked_user(uow, user_id)
        anonymised = await uow.ledger.anonymise(user_id)
        webhooks = await uow.webhooks.forget_user(user_id)
        await uow.audit.forget_user(user_id)
        await uow.outbox.forget_user(user_id)  # published or not
        await uow.users.delete(user_id)  # cascades: subscriptions, invoices
        await uow.outbox.put(UserDeleted.new(producer=PRODUCER, user_id=user_id,
                                             reason=reason))
        await uow.audit.write(actor, "delete_user", None, {
            "reason": reason, "anonymised_ledger_rows": anonymised})
        await uow.commit()
    return Deletion(user_id, anonymised, webhooks)


async def list_webhooks(status: str, limit: int, deps: Deps) -> list[WebhookView]:
    """Recorded notifications with `status` (e.g. `dead`: what the alert is about)."""
    async with deps.uow() as uow:
        return await uow.webhooks.listing(status, limit)


async def requeue_webhook(webhook_id: int, actor: str, reason: str, deps: Deps) -> None:
    """Give a `dead` notification another round of attempts (after its cause is fixed),
    with an audit row."""
    async with deps.uow() as uow:
        if not await uow.webhooks.requeue(webhook_id):
            raise BillingError(f"no dead webhook {webhook_id}")
        await uow.audit.write(actor, "requeue_webhook", None,
                              {"webhook_id": webhook_id, "reason": reason})
        await uow.commit()


async def user_footprint(user_id: int, deps: Deps) -> dict[str, int]:
    """Rows about the user, by table (what `delete_user` erases or anonymises; after it,
    every count is 0)."""
    async with deps.uow() as uow:
        return await uow.users.footprint(user_id)


async def open_invoice(invoice: Invoice, deps: Deps) -> None:
    """Register an invoice opened with a provider (so its payment webhook can credit)."""
    async with deps.uow() as uow:
        await uow.invoices.open(invoice)
        await uow.commit()


async def user_counts(deps: Deps) -> dict[str, int]:
    """Users per auth source."""
    async with deps.uow() as uow:
        return await uow.users.counts_by_source()
