"""retries and a dead state for recorded provider notifications

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

A notification whose processing keeps failing must neither block the ones behind it nor be
retried forever: `attempts` counts failed tries, `next_attempt_at` defers the next one
(exponential backoff; NULL for a fresh row: due at once, whatever the clocks say), `last_error` says why; after the last allowed try the row is `dead`
(an alert; nothing credited). Due rows are taken fewest attempts first, so a fresh payment
is never stuck behind rows that keep failing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BEFORE = ("received", "credited", "duplicate", "unknown_invoice", "mismatch", "refunded",
          "unknown_payment")
AFTER = (*BEFORE, "dead")


def _in(values: tuple[str, ...]) -> str:
    return f"status IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.add_column("processed_webhooks", sa.Column(
        "attempts", sa.Integer(), nullable=False, server_default="0",
        comment="Failed processing attempts so far."))
    op.add_column("processed_webhooks", sa.Column(
        "next_attempt_at", sa.DateTime(timezone=True), nullable=True,
        comment="Not processed again before this; NULL: due at once (never failed)."))
    op.add_column("processed_webhooks", sa.Column(
        "last_error", sa.Text(), nullable=True, comment="Why the last attempt failed."))
    op.drop_constraint("processed_webhooks_status", "processed_webhooks", type_="check")
    op.create_check_constraint("processed_webhooks_status", "processed_webhooks", _in(AFTER))
    op.drop_index("processed_webhooks_pending_idx", table_name="processed_webhooks")
    op.create_index("processed_webhooks_due_idx", "processed_webhooks",
                    ["attempts", "next_attempt_at", "id"],
                    postgresql_where=sa.text("status = 'received'"))


def downgrade() -> None:
    # The old code knows no dead state: keep dead rows out of its way as `mismatch` (no
    # effect), their reason in `note`.
    op.execute("UPDATE processed_webhooks SET status = 'mismatch', "
               "note = 'dead: ' || coalesce(last_error, note, '') WHERE status = 'dead'")
    op.drop_index("processed_webhooks_due_idx", table_name="processed_webhooks")
    op.create_index("processed_webhooks_pending_idx", "processed_webhooks", ["id"],
                    postgresql_where=sa.text("status = 'received'"))
    op.drop_constraint("processed_webhooks_status", "processed_webhooks", type_="check")
    op.create_check_constraint("processed_webhooks_status", "processed_webhooks", _in(BEFORE))
    op.drop_column("processed_webhooks", "last_error")
    op.drop_column("processed_webhooks", "next_attempt_at")
    op.drop_column("processed_webhooks", "attempts")
