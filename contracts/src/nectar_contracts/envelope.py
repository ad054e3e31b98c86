"""The envelope every Nectar event carries, and the id scheme.

Event ids are UUIDv7 (time-ordered). An event produced while handling another event gets a
*derived* id: a UUIDv7 whose timestamp is the parent's and whose random bits are a hash of
(parent id, producer, index). A redelivered input therefore yields byte-identical output ids,
so JetStream's `Nats-Msg-Id` dedupe and every downstream idempotency check see a retry, not a
new event: this is what makes "a crash mid-turn is redelivered, never answered twice" hold.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field


def _uuid7_from(ms: int, rand: bytes) -> uuid.UUID:
    value = (ms & ((1 << 48) - 1)) << 80
    rand_int = int.from_bytes(rand[:10], "big")
    rand_a = (rand_int >> 68) & 0xFFF
    rand_b = rand_int & ((1 << 62) - 1)
    value |= 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)


def uuid7() -> uuid.UUID:
    """A new random UUIDv7 (RFC 9562): 48-bit unix-ms timestamp, version 7, variant 10."""
    return _uuid7_from(time.time_ns() // 1_000_000, os.urandom(10))


def keyed_uuid7(key: str, at: datetime) -> uuid.UUID:
    """A deterministic UUIDv7: timestamp `at`, random bits a hash of `key`."""
    digest = hashlib.blake2b(key.encode(), digest_size=10).digest()
    return _uuid7_from(int(at.timestamp() * 1000), digest)


def derived_uuid7(parent: uuid.UUID, producer: str, index: int = 0) -> uuid.UUID:
    """A deterministic UUIDv7 for the `index`-th event `producer` emits because of `parent`."""
    at = uuid7_time(parent) if parent.version == 7 else datetime.now(UTC)
    return keyed_uuid7(f"{parent}|{producer}|{index}", at)


def uuid7_time(value: uuid.UUID) -> datetime:
    """The creation time encoded in a UUIDv7."""
    return datetime.fromtimestamp((value.int >> 80) / 1000, tz=UTC)


E = TypeVar("E", bound="Event")


class Event(BaseModel):
    """Envelope fields shared by every event. Subclasses set `type` and `schema_version`;
    the subject and the stream follow from the type (`<context>.<name>`): subject
    `nectar.<context>.<user_id>.<name>`, stream the context's (`nectar_contracts.streams`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: subject template; `{user_id}` is filled from the event. Derived from `type` unless a
    #: subclass sets its own.
    subject_template: ClassVar[str] = ""
    #: name of the JetStream stream that stores this event. Derived from `type` likewise.
    stream: ClassVar[str] = ""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        type_ = cls.event_type()
        if type_ is None:  # an abstract base (e.g. ConversationRef)
            return
        context, name = type_.split(".", 1)
        if "subject_template" not in cls.__dict__:
            cls.subject_template = f"nectar.{context}.{{user_id}}.{name}"
        if "stream" not in cls.__dict__:
            from nectar_contracts.streams import stream_of_context

            cls.stream = stream_of_context(context).name

    @classmethod
    def event_type(cls) -> str | None:
        """The fixed `type` of this event class (`<context>.<name>`), None for a base."""
        field = cls.model_fields.get("type")
        default = field.default if field is not None else None
        return default if isinstance(default, str) and "." in default else None

    @classmethod
    def event_name(cls) -> str:
        """The name part of the type: `turn_received` for `chat.turn_received`."""
        type_ = cls.event_type()
        if type_ is None:
            raise TypeError(f"{cls.__name__} has no fixed event type")
        return type_.split(".", 1)[1]

    event_id: uuid.UUID = Field(
        default_factory=uuid7,
        description="UUIDv7 of this event; also the `Nats-Msg-Id` header (JetStream dedupe) "
        "and the key consumers use for idempotency.",
    )
    type: str = Field(description="Event type, `<context>.<name>`; fixed per event class.")
    schema_version: int = Field(description="Version of this event's schema; bumped on any "
                                "incompatible change (see contracts/README.md).")
    occurred_at: datetime = Field(
        default_factory=lambda: datetime.now(UTC),
        description="When the fact happened, UTC.",
    )
    correlation_id: uuid.UUID = Field(
        description="The turn id: the event id of the `chat.turn_received` that started this "
        "chain, or this event's own id for chains that do not start with a turn.",
    )
    causation_id: uuid.UUID | None = Field(
        default=None, description="Event id of the event this one was produced in reaction to."
    )
    user_id: int = Field(description="Nectar user id (= Telegram user id for Telegram users); "
                         "0 only for system events not tied to a user.", ge=0)
    producer: str = Field(description="Service that produced the event, e.g. `memory`.",
                          examples=["telegram_edge"])

    @property
    def subject(self) -> str:
        """The NATS subject this event is published on (user id inside)."""
        return self.subject_template.format(user_id=self.user_id)

    @classmethod
    def subscription_subject(cls) -> str:
        """Subject filter matching this event type for every user."""
        return cls.subject_template.format(user_id="*")

    @classmethod
    def new(cls, *, producer: str, user_id: int, correlation_id: uuid.UUID | None = None,
            **fields: Any) -> Self:
        """A fresh event that starts a chain (its own id is its correlation id)."""
        event_id = uuid7()
        return cls(event_id=event_id, producer=producer, user_id=user_id,
                   correlation_id=correlation_id or event_id, **fields)

    def caused(self, cls: type[E], *, producer: str, index: int = 0, **fields: Any) -> E:
        """An event produced in reaction to this one, with a derived, deterministic id."""
        fields.setdefault("user_id", self.user_id)
        return cls(
            event_id=derived_uuid7(self.event_id, producer, index),
            producer=producer,
            correlation_id=self.correlation_id,
            causation_id=self.event_id,
            **fields,
        )
