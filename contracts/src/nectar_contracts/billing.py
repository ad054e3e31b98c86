"""Billing context: users, payments, plans."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from nectar_contracts.chat import Plan
from nectar_contracts.envelope import Event

AuthSource = Literal["telegram", "oauth", "test"]


class UserCreated(Event):
    """A user exists from now on (first contact, OAuth sign-up or a test factory)."""

    type: Literal["billing.user_created"] = Field("billing.user_created", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    auth_source: AuthSource = Field(description="How the user authenticates; `test` marks "
                                    "test data (never an id range).")
    plan: Plan = Field(description="Plan at creation.")
    language: str | None = Field(default=None, description="Language reported on signup.")


class UserDeleted(Event):
    """A user was deleted (GDPR); every service removes their data."""

    type: Literal["billing.user_deleted"] = Field("billing.user_deleted", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    reason: str = Field(description="Why, for the audit trail.")


class PaymentReceived(Event):
    """Money arrived from a provider (Stars via the edge, CryptoBot, card)."""

    type: Literal["billing.payment_received"] = Field("billing.payment_received", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    provider: Literal["telegram_stars", "cryptobot", "card"] = Field(description="Provider.")
    external_id: str = Field(description="Provider's unique charge id (idempotency key).")
    amount: Decimal = Field(description="Amount in `currency` units.")
    currency: str = Field(description="ISO 4217 code, `XTR` for Stars, or a crypto ticker.")
    plan: Plan = Field(description="Plan bought.")


class PlanChanged(Event):
    """The user's plan changed (purchase, expiry, refund, admin grant)."""

    type: Literal["billing.plan_changed"] = Field("billing.plan_changed", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    plan: Plan = Field(description="Plan from now on.")
    previous_plan: Plan = Field(description="Plan before.")
    expires_at: datetime | None = Field(default=None, description="When it lapses, if ever.")


class PaymentRefunded(Event):
    """A payment was given back to the user (a Telegram Stars refund, a provider refund):
    billing records a refund entry in the ledger and derives the plan again."""

    type: Literal["billing.payment_refunded"] = Field("billing.payment_refunded",
                                                      description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    provider: Literal["telegram_stars", "cryptobot", "card"] = Field(description="Provider.")
    external_id: str = Field(description="Provider's charge id of the refunded payment (the "
                             "one its `billing.payment_received` carried).")
    amount: Decimal = Field(description="Amount given back, in `currency` units.")
    currency: str = Field(description="ISO 4217 code, `XTR` for Stars, or a crypto ticker.")
    language: str | None = Field(default=None, description="User's language, to tell them.")
