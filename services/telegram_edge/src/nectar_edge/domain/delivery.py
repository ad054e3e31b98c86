"""The state of delivering one outgoing message (or a split reply's parts) to Telegram, as
stored per delivery key: a bus event's id, or `update:<bot>:<update>:<chat>:<purpose>` for
a direct answer to an update (command answers, refusal notices, invoices, group notes).

Delivery must happen once even when the same event reaches two replicas, is redelivered
after a crash, or is interrupted by a 429 between the parts of a split reply:

    absent --claim--> pending(owner, ids so far, lease) --last part--> sent(ids)
                          |  a part fails with 429/5xx: partial(ids so far)
                          |  the owner dies: its lease runs out, the ids stay
                          v
                      partial(ids) / lapsed pending(ids) --claim--> pending(new owner, ids)

A claim is a lease shorter than the ack wait, so the redelivery of a dead replica's message
always finds it lapsed; the message ids recorded under it are kept (the key lives as long as
a `sent` record once an id is in it), so a part recorded as sent is never sent again. What no
record can cover is the moment between Telegram's answer and the write of its id: a crash
there sends that one part again on redelivery (the Bot API has no idempotency key).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DeliveryStatus = Literal["pending", "partial", "sent"]


@dataclass(frozen=True)
class DeliveryRecord:
    """Where one delivery stands; `lease_until_ms` (pending only, 0 when the key's own TTL
    is the lease) is when the owner's claim lapses."""

    status: DeliveryStatus
    message_ids: tuple[int, ...] = ()
    owner: str = ""
    lease_until_ms: int = field(default=0, compare=False)

    def encode(self) -> str:
        ids = ",".join(str(i) for i in self.message_ids)
        if self.status == "pending":
            holder = f"{self.owner}@{self.lease_until_ms}" if self.lease_until_ms \
                else self.owner
            return f"pending:{holder}:{ids}"
        return f"{self.status}:{ids}"

    @classmethod
    def decode(cls, raw: str) -> DeliveryRecord:
        status, _, rest = raw.partition(":")
        owner, until = "", 0
        if status == "pending":
            holder, _, rest = rest.partition(":")
            owner, _, lease = holder.partition("@")
            until = int(lease) if lease.isdigit() else 0
        elif status not in ("partial", "sent"):
            raise ValueError(f"unknown delivery record {raw!r}")
        ids = tuple(int(i) for i in rest.split(",") if i)
        return cls(status, ids, owner, until)  # type: ignore[arg-type]

    def claimed_by(self, owner: str) -> bool:
        return self.status == "pending" and self.owner == owner

    def lapsed(self, now_ms: int) -> bool:
        """A pending claim whose lease ran out (its owner died or stalled)."""
        return self.status == "pending" and 0 < self.lease_until_ms <= now_ms


def pending(owner: str, message_ids: tuple[int, ...] = (),
            lease_until_ms: int = 0) -> DeliveryRecord:
    return DeliveryRecord("pending", message_ids, owner, lease_until_ms)


def take_over(current: DeliveryRecord | None, owner: str,
              now_ms: int = 0) -> DeliveryRecord | None:
    """The pending record `owner` writes to take the delivery, or None when it cannot
    (someone else's live claim, or already sent). A `partial` record or a lapsed claim is
    taken over with the message ids already sent."""
    if current is None:
        return pending(owner)
    if current.status == "partial" or current.lapsed(now_ms):
        return pending(owner, current.message_ids)
    return None
