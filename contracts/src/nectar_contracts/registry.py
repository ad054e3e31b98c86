"""Every event type by its `type` string, and parsing of raw payloads."""

from __future__ import annotations

import json

from pydantic import ValidationError

from nectar_contracts.billing import (
    PaymentReceived,
    PaymentRefunded,
    PlanChanged,
    UserCreated,
    UserDeleted,
)
from nectar_contracts.chat import (
    ContextReady,
    ConversationReset,
    ReplyDelivered,
    ReplyFailed,
    ReplyReady,
    SummaryRequested,
    SummaryWritten,
    TurnReceived,
)
from nectar_contracts.envelope import Event
from nectar_contracts.media import (
    ImageCancelled,
    ImageCancelRequested,
    ImageFailed,
    ImageProgress,
    ImageReady,
    ImageRequested,
    LoraActivated,
    LoraRegistered,
    ShopItemRemoved,
    ShopItemUpserted,
    TuningActivated,
    TuningRegistered,
)
from nectar_contracts.system import DeadLettered
from nectar_contracts.telegram import UpdateReceived
from nectar_contracts.voice import VoiceFailed, VoiceReady, VoiceRequested

ALL_EVENTS: tuple[type[Event], ...] = (
    TurnReceived, ContextReady, ReplyReady, ReplyFailed, ReplyDelivered,
    SummaryRequested, SummaryWritten, ConversationReset,
    ImageRequested, ImageProgress, ImageReady, ImageFailed, ImageCancelRequested, ImageCancelled,
    LoraRegistered, LoraActivated, TuningRegistered, TuningActivated, ShopItemUpserted,
    ShopItemRemoved,
    VoiceRequested, VoiceReady, VoiceFailed,
    UserCreated, UserDeleted, PaymentReceived, PaymentRefunded, PlanChanged,
    UpdateReceived,
    DeadLettered,
)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.model_fields["type"].default: cls for cls in ALL_EVENTS
}


class MalformedEvent(ValueError):
    """A payload that is not a valid event; `kind` is `malformed` or `unknown_type`."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def parse_event(raw: bytes, expected: tuple[type[Event], ...] | None = None) -> Event:
    """Decode and validate a payload; raise `MalformedEvent` with a readable reason."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedEvent("malformed", f"payload is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise MalformedEvent("malformed", "payload is not a JSON object")
    type_ = data.get("type")
    cls = EVENT_TYPES.get(type_) if isinstance(type_, str) else None
    if cls is None or (expected is not None and cls not in expected):
        allowed = sorted(c.model_fields["type"].default for c in (expected or ALL_EVENTS))
        raise MalformedEvent("unknown_type", f"event type {type_!r} not accepted here; "
                             f"expected one of {allowed}")
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        errors = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
            for err in exc.errors(include_url=False)
        )
        raise MalformedEvent("malformed", f"invalid {type_}: {errors}") from exc
