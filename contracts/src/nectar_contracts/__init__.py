"""Nectar's event contracts: the envelope, every event, subjects and streams.

Services share nothing but this package and `nectar_runtime`.
"""

from nectar_contracts.billing import (
    AuthSource,
    PaymentReceived,
    PaymentRefunded,
    PlanChanged,
    UserCreated,
    UserDeleted,
)
from nectar_contracts.chat import (
    ChatLine,
    ContextReady,
    ConversationReset,
    MemoryHit,
    Plan,
    ReplyDelivered,
    ReplyFailed,
    ReplyMode,
    ReplyReady,
    SummaryRequested,
    SummaryWritten,
    TurnReceived,
    Usage,
)
from nectar_contracts.envelope import Event, derived_uuid7, keyed_uuid7, uuid7, uuid7_time
from nectar_contracts.media import (
    ImageCancelled,
    ImageCancelRequested,
    ImageFailed,
    ImageFailReason,
    ImageKind,
    ImageProgress,
    ImageReady,
    ImageRequested,
    ImageStage,
    IPAdapterWeightType,
    LoraActivated,
    LoraRegistered,
    ShopItemRemoved,
    ShopItemUpserted,
    TuningActivated,
    TuningRegistered,
)
from nectar_contracts.registry import ALL_EVENTS, EVENT_TYPES, MalformedEvent, parse_event
from nectar_contracts.streams import ALL_STREAMS, DLQ, StreamSpec, dead_letter_subject
from nectar_contracts.system import DeadLettered
from nectar_contracts.telegram import UpdateReceived
from nectar_contracts.voice import VoiceFailed, VoiceReady, VoiceRequested

__all__ = [
    "ALL_EVENTS", "ALL_STREAMS", "DLQ", "EVENT_TYPES", "AuthSource", "ChatLine",
    "ContextReady", "ConversationReset", "DeadLettered", "Event", "IPAdapterWeightType",
    "ImageCancelRequested", "ImageCancelled", "ImageFailReason", "ImageFailed", "ImageKind",
    "ImageProgress", "ImageReady", "ImageRequested", "ImageStage", "LoraActivated",
    "LoraRegistered", "MalformedEvent", "MemoryHit", "PaymentReceived", "PaymentRefunded", "Plan", "PlanChanged",
    "ReplyDelivered", "ReplyFailed", "ReplyMode", "ReplyReady", "ShopItemRemoved",
    "ShopItemUpserted", "StreamSpec", "SummaryRequested", "SummaryWritten", "TuningActivated",
    "TuningRegistered", "TurnReceived", "UpdateReceived", "Usage", "UserCreated",
    "UserDeleted", "VoiceFailed", "VoiceReady", "VoiceRequested", "dead_letter_subject",
    "derived_uuid7", "keyed_uuid7", "parse_event", "uuid7", "uuid7_time",
]
