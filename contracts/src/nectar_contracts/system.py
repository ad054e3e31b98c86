"""System events: dead letters."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from nectar_contracts.envelope import Event
from nectar_contracts.streams import DLQ


class DeadLettered(Event):
    """A message a consumer could not process; parked with the reason and original payload."""

    subject_template: ClassVar[str] = "nectar.dlq.{consumer}"
    stream: ClassVar[str] = DLQ.name
    type: Literal["system.dead_lettered"] = Field("system.dead_lettered", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    consumer: str = Field(description="Durable consumer that gave up.")
    original_subject: str = Field(description="Subject the message arrived on.")
    original_headers: dict[str, str] = Field(default_factory=dict,
                                             description="Headers of the original message.")
    original_payload: str = Field(description="Original payload (UTF-8, or base64 when "
                                  "`payload_encoding` is `base64`).")
    payload_encoding: Literal["utf-8", "base64"] = Field(description="How the payload is "
                                                         "encoded here.")
    reason: str = Field(description="Why it was dead-lettered, human-readable.")
    error_type: Literal["malformed", "unknown_type", "poison", "max_deliveries"] = Field(
        description="Class of failure.")
    deliveries: int = Field(ge=1, description="How many times it was delivered.")

    @property
    def subject(self) -> str:
        return self.subject_template.format(consumer=self.consumer)

    @classmethod
    def subscription_subject(cls) -> str:
        return cls.subject_template.format(consumer="*")
