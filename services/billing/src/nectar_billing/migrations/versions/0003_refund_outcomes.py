"""refund outcomes of recorded provider notifications

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

`processed_webhooks.status` gains `refunded` (a provider refund appended to the ledger) and
`unknown_payment` (a refund of a payment the ledger does not hold: no effect).
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BEFORE = ("received", "credited", "duplicate", "unknown_invoice", "mismatch")
AFTER = (*BEFORE, "refunded", "unknown_payment")


def _in(values: tuple[str, ...]) -> str:
    return f"status IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.drop_constraint("processed_webhooks_status", "processed_webhooks", type_="check")
    op.create_check_constraint("processed_webhooks_status", "processed_webhooks", _in(AFTER))


def downgrade() -> None:
    # Rows with the new outcomes cannot satisfy the old constraint: they keep their meaning
    # as `duplicate` (processed, no further effect), which the old code understands.
    op.execute("UPDATE processed_webhooks SET status = 'duplicate' "
               "WHERE status IN ('refunded', 'unknown_payment')")
    op.drop_constraint("processed_webhooks_status", "processed_webhooks", type_="check")
    op.create_check_constraint("processed_webhooks_status", "processed_webhooks", _in(BEFORE))
