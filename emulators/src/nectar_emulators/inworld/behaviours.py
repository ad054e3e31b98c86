"""Scriptable behaviours of the emulated Inworld TTS.

Spec strings (control API `POST /_emulator/script` and `--behaviour`):

    ok                   real audio for the text (the default)
    http_<code>[:<s>]    that HTTP error with a gRPC-gateway body; 429 sends Retry-After <s>
    budget_exhausted     429 RESOURCE_EXHAUSTED "character quota exhausted", no Retry-After
    timeout[:<s>]        sleep <s> (default: settings) before answering normally
    slow:<ms>            sleep <ms> then answer normally
    corrupt_base64       200 whose audioContent is not base64
    corrupt_audio        200 whose audioContent is base64 of bytes that are not audio
    empty_audio          200 without audioContent
    bad_json             200 with a body that is not JSON
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["OK", "Behaviour", "parse_behaviour"]

_HTTP = re.compile(r"^http_([1-5]\d\d)(?::(\d+(?:\.\d+)?))?$")
_PLAIN = frozenset({"ok", "budget_exhausted", "corrupt_base64", "corrupt_audio", "empty_audio",
                    "bad_json"})


@dataclass(frozen=True)
class Behaviour:
    """A parsed behaviour spec: `kind` plus its argument, if any."""

    spec: str
    kind: str
    status: int | None = None
    seconds: float | None = None


OK = Behaviour("ok", "ok")


def _seconds(spec: str, arg: str, scale: float = 1.0) -> float:
    try:
        value = float(arg)
    except ValueError as exc:
        raise ValueError(f"behaviour {spec!r} needs a number after ':'") from exc
    if value < 0:
        raise ValueError(f"behaviour {spec!r} needs a non-negative number")
    return value * scale


def parse_behaviour(spec: str) -> Behaviour:
    """Parse a spec string; ValueError names the offending spec."""
    spec = spec.strip()
    if match := _HTTP.match(spec):
        seconds = float(match.group(2)) if match.group(2) else None
        return Behaviour(spec, "http", status=int(match.group(1)), seconds=seconds)
    name, _, arg = spec.partition(":")
    if name in _PLAIN and not arg:
        return Behaviour(spec, name)
    if name == "timeout":
        return Behaviour(spec, "timeout", seconds=_seconds(spec, arg) if arg else None)
    if name == "slow" and arg:
        return Behaviour(spec, "slow", seconds=_seconds(spec, arg, 1 / 1000))
    raise ValueError(f"unknown behaviour {spec!r}")
