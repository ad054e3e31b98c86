"""users, outbox, processed_events

Revision ID: 0001
Revises:
Create Date: 2026-06-01

- `users`: Telegram users keep their positive Telegram id (CHECK id > 0). `auth_source` is
  NOT NULL and indexed so test data is selected by attribute, never by id range (RCA "We
  Deleted 10 Real Users"). `plan` is a projection of the payments ledger (a later revision).
- `outbox`: events written in the same transaction as the state change, relayed to NATS
  in `seq` order, under the trace context of the writer; the partial index keeps the
  relay's scan to unpublished rows.
- `processed_events`: `(consumer, event_id)` recorded in the same transaction as the effect
  (idempotent consumers and, later, provider webhooks).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

AUTH_SOURCES = ("telegram", "oauth", "test")
PLANS = ("free", "basic", "premium", "vip", "elite")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False,
                  comment="Telegram users: their positive Telegram user id."),
        sa.Column("auth_source", sa.Text(), nullable=False,
                  comment="telegram | oauth | test; test data is selected by this, never "
                  "by an id range."),
        sa.Column("plan", sa.Text(), nullable=False, server_default=sa.text("'free'"),
                  comment="Current plan, derived from the payments ledger."),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
        sa.CheckConstraint("id > 0", name="users_id_positive"),
        sa.CheckConstraint(_in("auth_source", AUTH_SOURCES), name="users_auth_source_valid"),
        sa.CheckConstraint(_in("plan", PLANS), name="users_plan_valid"),
    )
    op.create_index("users_auth_source_idx", "users", ["auth_source"])

    op.create_table(
        "outbox",
        sa.Column("event_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False,
                  comment="Insertion order; the relay publishes in this order."),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("stream", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("trace_context", postgresql.JSONB(), nullable=True,
                  comment="W3C trace context (traceparent) of the writing transaction; the "
                  "relay publishes under it so the event joins the turn's trace."),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("seq", name="outbox_seq_key"),
    )
    op.create_index("outbox_unpublished_idx", "outbox", ["seq"],
                    postgresql_where=sa.text("published_at IS NULL"))

    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("event_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="processed_events_pkey"),
    )


def downgrade() -> None:
    op.drop_table("processed_events")
    op.drop_index("outbox_unpublished_idx", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("users_auth_source_idx", table_name="users")
    op.drop_table("users")
