"""SQLAlchemy Core tables of the billing database.

The schema itself is owned by the Alembic migrations (`nectar_billing/migrations`); these
definitions mirror it for queries and must change together with a new revision.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    MetaData,
    Numeric,
    Sequence,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

users = Table(
    "users", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("auth_source", Text, nullable=False),
    Column("plan", Text, nullable=False, server_default="free"),
    Column("language", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("id > 0", name="users_id_positive"),
)

outbox = Table(
    "outbox", metadata,
    Column("event_id", UUID(as_uuid=True), primary_key=True),
    Column("seq", BigInteger, Identity(always=True), nullable=False, unique=True),
    Column("subject", Text, nullable=False),
    Column("stream", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("trace_context", JSONB, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True), nullable=True),
)

processed_events = Table(
    "processed_events", metadata,
    Column("consumer", Text, primary_key=True),
    Column("event_id", UUID(as_uuid=True), primary_key=True),
    Column("processed_at", DateTime(timezone=True), nullable=False,
           server_default=func.now()),
)

#: OAuth and test ids: their own bounded sequences (migration 0002)
oauth_id_seq = Sequence("users_oauth_id_seq", metadata=metadata)
test_id_seq = Sequence("users_test_id_seq", metadata=metadata)

subscriptions = Table(
    "subscriptions", metadata,
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"),
           primary_key=True),
    Column("plan", Text, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

payment_accounts = Table(
    "payment_accounts", metadata,
    Column("account_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="SET NULL"), nullable=True,
           unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("anonymised_at", DateTime(timezone=True), nullable=True),
)

payments = Table(
    "payments", metadata,
    Column("seq", BigInteger, Identity(always=True), primary_key=True),
    Column("account_id", UUID(as_uuid=True), ForeignKey("payment_accounts.account_id"),
           nullable=False),
    Column("kind", Text, nullable=False),
    Column("provider", Text, nullable=False),
    Column("external_id", Text, nullable=False),
    Column("plan", Text, nullable=True),
    Column("period_days", Integer, nullable=True),
    Column("amount", Numeric(20, 8), nullable=False),
    Column("currency", Text, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("refers_to", Text, nullable=True),
    UniqueConstraint("provider", "external_id", name="payments_provider_external_id"),
)

invoices = Table(
    "invoices", metadata,
    Column("provider", Text, primary_key=True),
    Column("invoice_ref", Text, primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("plan", Text, nullable=False),
    Column("amount", Numeric(20, 8), nullable=False),
    Column("currency", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

processed_webhooks = Table(
    "processed_webhooks", metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("provider", Text, nullable=False),
    Column("external_id", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("body", JSONB, nullable=True),
    Column("status", Text, nullable=False, server_default="received"),
    Column("user_id", BigInteger, nullable=True),
    Column("note", Text, nullable=True),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("processed_at", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=True),
    UniqueConstraint("provider", "external_id", name="processed_webhooks_provider_ext"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("user_id", BigInteger, nullable=True),
    Column("details", JSONB, nullable=False, server_default="{}"),
)
