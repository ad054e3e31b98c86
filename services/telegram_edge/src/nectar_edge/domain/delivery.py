"""The state of delivering one event's message(s) to Telegram, as stored per event id.

Delivery must happen once even when the same event reaches two replicas, is redelivered
after a crash, or is interrupted by a 429 between the parts of a split reply:

    absent --claim--> pending(owner, ids so far) --complete--> sent(ids)
                          |  a part fails with 429/5xx
                          v
                      partial(ids so far) --claim--> pending(new owner, ids so far)

`pending` expires after a short TTL so that a crashed replica's claim does not block the
reply forever; `sent` is kept long enough to answer redeliveries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DeliveryStatus = Literal["pending", "partial", "sent"]


@dataclass(frozen=True)
class DeliveryRecord:
    """One stored state: status, who holds a pending claim, message ids sent so far."""

    status: DeliveryStatus
    message_ids: tuple[int, ...] = ()
    owner: str = ""

    def encode(self) -> str:
        ids = ",".join(str(i) for i in self.message_ids)
        if self.status == "pending":
            return f"pending:{self.owner}:{ids}"
        return f"{self.status}:{ids}"

    @classmethod
    def decode(cls, raw: str) -> DeliveryRecord:
        status, _, rest = raw.partition(":")
        owner = ""
        if status == "pending":
            owner, _, rest = rest.partition(":")
        elif status not in ("partial", "sent"):
            raise ValueError(f"unknown delivery record {raw!r}")
        ids = tuple(int(i) for i in rest.split(",") if i)
        return cls(status, ids, owner)  # type: ignore[arg-type]

    def claimed_by(self, owner: str) -> bool:
        return self.status == "pending" and self.owner == owner


def pending(owner: str, message_ids: tuple[int, ...] = ()) -> DeliveryRecord:
    return DeliveryRecord("pending", message_ids, owner)


def take_over(current: DeliveryRecord | None, owner: str) -> DeliveryRecord | None:
    """The record a claim writes, given what is stored; None when the claim must not write
    (someone else's pending claim, or already sent)."""
    if current is None:
        return pending(owner)
    if current.status == "partial":
        return pending(owner, current.message_ids)
    return None
