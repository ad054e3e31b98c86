"""id ranges, subscriptions, append-only payments ledger, invoices, webhooks, audit, app role

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

- `users`: the id must lie in its auth source's range (CHECK `users_id_in_source_range`):
  telegram [1, 2^52), oauth [2^52, 2^52+2^51), test [2^52+2^51, 2^53). OAuth and test ids
  come from their own sequences bounded to their ranges (NO CYCLE): a hand-inserted row of
  one source can never sit in another's range, and nothing ever `setval`s a sequence from
  the data (the RCA's `setval(GREATEST(-MIN(id), ...))`); the service's role cannot `setval`
  them at all.
- `subscriptions`: the stored plan state (a projection of the ledger; `users.plan` mirrors
  the plan).
- `payment_accounts` + `payments`: the ledger. Rows reference a pseudonymous account, and
  the account row holds the user id; GDPR deletion sets it to NULL, which anonymises every
  ledger row of the user without touching the ledger. `payments` is append-only twice over:
  the app role gets SELECT and INSERT only, and triggers refuse UPDATE, DELETE and TRUNCATE
  for every role (the owner included).
- `invoices`: invoices we opened with a provider (an unknown invoice credits nothing).
- `processed_webhooks`: every verified provider notification, recorded before it is
  processed, unique on (provider, external_id).
- `audit_log`: operator actions (grant, revoke, cleanup, deletion).
- UPDATE (which `setval` needs) on the two id sequences is revoked from the service's
  role: it can draw ids, never move a sequence.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PLANS = ("free", "basic", "premium", "vip", "elite")
TELEGRAM = (1, 2**52 - 1)
OAUTH = (2**52, 2**52 + 2**51 - 1)
TEST = (2**52 + 2**51, 2**53 - 1)
KINDS = ("payment", "refund", "grant", "revoke")
PROVIDERS = ("telegram_stars", "cryptobot", "card", "admin")
WEBHOOK_STATUSES = ("received", "credited", "duplicate", "unknown_invoice", "mismatch")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_check_constraint(
        "users_id_in_source_range", "users",
        f"(auth_source = 'telegram' AND id BETWEEN {TELEGRAM[0]} AND {TELEGRAM[1]}) OR "
        f"(auth_source = 'oauth' AND id BETWEEN {OAUTH[0]} AND {OAUTH[1]}) OR "
        f"(auth_source = 'test' AND id BETWEEN {TEST[0]} AND {TEST[1]})")
    op.execute(f"CREATE SEQUENCE users_oauth_id_seq AS bigint MINVALUE {OAUTH[0]} "
               f"MAXVALUE {OAUTH[1]} START {OAUTH[0]} NO CYCLE")
    op.execute(f"CREATE SEQUENCE users_test_id_seq AS bigint MINVALUE {TEST[0]} "
               f"MAXVALUE {TEST[1]} START {TEST[0]} NO CYCLE")

    op.create_table(
        "subscriptions",
        sa.Column("user_id", sa.BigInteger(),
                  sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True,
                  comment="NULL: does not lapse (free, or an open-ended grant)."),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
        sa.CheckConstraint(_in("plan", PLANS), name="subscriptions_plan_valid"),
    )

    op.create_table(
        "payment_accounts",
        sa.Column("account_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("user_id", sa.BigInteger(),
                  sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True,
                  unique=True, comment="NULL once the user is deleted (GDPR): the ledger "
                  "rows of this account are anonymous from then on."),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
    )

    op.create_table(
        "payments",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), primary_key=True),
        sa.Column("account_id", postgresql.UUID(as_uuid=True),
                  sa.ForeignKey("payment_accounts.account_id"), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=False,
                  comment="Provider's payment id (Stars charge id, Crypto Pay invoice id, "
                  "Paddle transaction id) or an admin action id."),
        sa.Column("plan", sa.Text(), nullable=True),
        sa.Column("period_days", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(20, 8), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
        sa.Column("refers_to", sa.Text(), nullable=True,
                  comment="refund: the external id of the refunded payment."),
        sa.UniqueConstraint("provider", "external_id", name="payments_provider_external_id"),
        sa.CheckConstraint(_in("kind", KINDS), name="payments_kind_valid"),
        sa.CheckConstraint(_in("provider", PROVIDERS), name="payments_provider_valid"),
        sa.CheckConstraint(f"plan IS NULL OR {_in('plan', PLANS)}", name="payments_plan_valid"),
    )
    op.create_index("payments_account_idx", "payments", ["account_id", "seq"])
    op.execute("""
        CREATE FUNCTION payments_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'payments is an append-only ledger: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$""")
    op.execute("CREATE TRIGGER payments_no_update_delete BEFORE UPDATE OR DELETE ON payments "
               "FOR EACH ROW EXECUTE FUNCTION payments_append_only()")
    op.execute("CREATE TRIGGER payments_no_truncate BEFORE TRUNCATE ON payments "
               "FOR EACH STATEMENT EXECUTE FUNCTION payments_append_only()")

    op.create_table(
        "invoices",
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("invoice_ref", sa.Text(), nullable=False),
        sa.Column("user_id", sa.BigInteger(),
                  sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(20, 8), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
        sa.PrimaryKeyConstraint("provider", "invoice_ref", name="invoices_pkey"),
        sa.CheckConstraint(_in("plan", PLANS), name="invoices_plan_valid"),
    )

    op.create_table(
        "processed_webhooks",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), primary_key=True),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("body", postgresql.JSONB(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False, server_default="received"),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("provider", "external_id", name="processed_webhooks_provider_ext"),
        sa.CheckConstraint(_in("status", WEBHOOK_STATUSES), name="processed_webhooks_status"),
    )
    op.create_index("processed_webhooks_pending_idx", "processed_webhooks", ["id"],
                    postgresql_where=sa.text("status = 'received'"))
    op.create_index("processed_webhooks_user_idx", "processed_webhooks", ["user_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("details", postgresql.JSONB(), nullable=False,
                  server_default=sa.text("'{}'::jsonb")),
    )
    op.create_index("audit_log_user_idx", "audit_log", ["user_id"])

    # The service connects as the schema's owner (one login role, as in the local stack):
    # take UPDATE/DELETE/TRUNCATE on the ledger and UPDATE (= setval) on the id sequences
    # away from it and from PUBLIC. nextval needs only USAGE, which stays.
    op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON payments FROM PUBLIC, CURRENT_USER")
    op.execute("REVOKE UPDATE ON SEQUENCE users_oauth_id_seq, users_test_id_seq "
               "FROM PUBLIC, CURRENT_USER")


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("processed_webhooks")
    op.drop_table("invoices")
    op.drop_table("payments")
    op.execute("DROP FUNCTION payments_append_only()")
    op.drop_table("payment_accounts")
    op.drop_table("subscriptions")
    op.execute("DROP SEQUENCE users_test_id_seq")
    op.execute("DROP SEQUENCE users_oauth_id_seq")
    op.drop_constraint("users_id_in_source_range", "users", type_="check")
