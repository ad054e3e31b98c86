"""JetStream streams and subject layout.

Subjects are `nectar.<context>.<user_id>.<event>`: the user id sits before the event name so
one user's events of a context can be filtered or purged with `nectar.<context>.<user_id>.>`
and a consumer of one event type filters on `nectar.<context>.*.<event>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StreamSpec:
    """Configuration of one JetStream stream (created or updated by the streams job,
    `python -m nectar_runtime.streams`; services wait for theirs at start)."""

    name: str
    subjects: tuple[str, ...]
    description: str
    #: seconds; 0 = keep forever. Domain streams are the source of truth and are kept.
    max_age_s: float = 0
    #: window in which JetStream drops a repeated `Nats-Msg-Id`
    duplicate_window_s: float = 120
    extra: dict[str, object] = field(default_factory=dict)


CHAT = StreamSpec("CHAT", ("nectar.chat.>",), "Chat turns, replies, summaries, resets")
MEDIA = StreamSpec("MEDIA", ("nectar.media.>",), "Image generation requests and results")
VOICE = StreamSpec("VOICE", ("nectar.voice.>",), "Voice synthesis requests and results")
BILLING = StreamSpec("BILLING", ("nectar.billing.>",), "Users, payments and plan changes")
TELEGRAM = StreamSpec("TELEGRAM", ("nectar.telegram.>",),
                      "Raw Telegram updates the edge accepted (webhook or long polling), "
                      "handled by its consumers; kept one day (user text: not a record)",
                      max_age_s=24 * 3600)
DLQ = StreamSpec("DLQ", ("nectar.dlq.>",), "Dead-lettered messages with their reason",
                 max_age_s=30 * 24 * 3600)

ALL_STREAMS: tuple[StreamSpec, ...] = (CHAT, MEDIA, VOICE, BILLING, TELEGRAM, DLQ)


#: the stream of each context (the first part of an event type)
_BY_CONTEXT: dict[str, StreamSpec] = {"chat": CHAT, "media": MEDIA, "voice": VOICE,
                                      "billing": BILLING, "telegram": TELEGRAM, "system": DLQ}


def stream_of_context(context: str) -> StreamSpec:
    """The stream that stores the events of `context` (`chat`, `media`, ...)."""
    try:
        return _BY_CONTEXT[context]
    except KeyError:
        raise ValueError(f"no stream for event context {context!r}; add it to "
                         "nectar_contracts.streams") from None


def dead_letter_subject(consumer: str) -> str:
    """Subject on which a consumer's poison messages are parked."""
    return f"nectar.dlq.{consumer}"
