"""Scriptable behaviours of the emulated model, and the `[[emu:...]]` markers that pick one.

Spec strings (used by the control API, markers and `--model-behaviour`):

    ok                    a deterministic echo reply (the default)
    text:<reply>          answer exactly <reply>
    empty_stop            200, content "", finish_reason "stop"
    content_filter        200, content "", finish_reason "content_filter"
    length_empty          200, content "", finish_reason "length" (all tokens spent reasoning)
    refusal_tail          200, in-story text ending in a refusal sentence
    refusal               200, a pure refusal ("I'm sorry, but I can't continue with this.")
    story_refusal[:<lang>] 200, a long in-story passage (>= 150 chars) then a refusal sentence
                          in <lang> (en, ru, es, de, fr, ja, zh; default en): salvageable
    refuse_unless_prefixed 200, a pure refusal unless a system message asks to stay in
                          character (a roleplay model that needs the rescue prefix)
    http_<code>[:<s>]     that HTTP error with OpenRouter's error body; with <s>, a
                          Retry-After of <s> seconds (429 always has one, default
                          `--retry-after`); 403 carries moderation metadata
    timeout[:<s>]         sleep <s> (default 30) before answering normally
    slow:<ms>             sleep <ms> then answer normally (streams start, then pause)
    stream_cut            drop the connection mid-body (no [DONE] when streaming)
    mid_stream_error      an error mid-generation, as OpenRouter reports it (SSE chunk with
                          "error" and finish_reason "error"; in a JSON body when not streaming)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MARKER", "Behaviour", "extract_marker", "parse_behaviour"]

MARKER = re.compile(r"\[\[emu:([^\]]+)\]\]")
REFUSAL_LANGUAGES = ("en", "ru", "es", "de", "fr", "ja", "zh")
_HTTP = re.compile(r"^http_([1-5]\d\d)(?::(\d+(?:\.\d+)?))?$")
_PLAIN = frozenset(
    {
        "ok",
        "empty_stop",
        "content_filter",
        "length_empty",
        "refusal_tail",
        "refusal",
        "refuse_unless_prefixed",
        "stream_cut",
        "mid_stream_error",
    }
)


@dataclass(frozen=True)
class Behaviour:
    """A parsed behaviour spec: `kind` plus its argument, if any."""

    spec: str
    kind: str
    status: int | None = None
    seconds: float | None = None
    text: str | None = None

    @property
    def is_http_error(self) -> bool:
        return self.kind == "http" and self.status is not None and self.status >= 400


OK = Behaviour("ok", "ok")


def parse_behaviour(spec: str) -> Behaviour:
    """Parse a spec string; ValueError names the offending spec."""
    spec = spec.strip()
    if spec.startswith("text:"):
        return Behaviour(spec, "text", text=spec.removeprefix("text:"))
    if match := _HTTP.match(spec):
        seconds = float(match.group(2)) if match.group(2) else None
        return Behaviour(spec, "http", status=int(match.group(1)), seconds=seconds)
    name, _, arg = spec.partition(":")
    if name in _PLAIN and not arg:
        return Behaviour(spec, name)
    if name == "story_refusal":
        lang = arg or "en"
        if lang not in REFUSAL_LANGUAGES:
            raise ValueError(f"behaviour {spec!r}: language must be one of "
                             f"{', '.join(REFUSAL_LANGUAGES)}")
        return Behaviour(spec, "story_refusal", text=lang)
    if name == "timeout":
        return Behaviour(spec, "timeout", seconds=_number(spec, arg) if arg else None)
    if name == "slow" and arg:
        return Behaviour(spec, "slow", seconds=_number(spec, arg) / 1000)
    raise ValueError(f"unknown behaviour {spec!r}")


def _number(spec: str, arg: str) -> float:
    try:
        value = float(arg)
    except ValueError as exc:
        raise ValueError(f"behaviour {spec!r} needs a number after ':'") from exc
    if value < 0:
        raise ValueError(f"behaviour {spec!r} needs a non-negative number")
    return value


def extract_marker(text: str) -> tuple[Behaviour | None, str]:
    """(behaviour of the first `[[emu:...]]` marker or None, text with markers removed)."""
    match = MARKER.search(text)
    cleaned = MARKER.sub("", text).strip()
    if match is None:
        return None, cleaned
    return parse_behaviour(match.group(1)), cleaned
