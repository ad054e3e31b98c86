"""Audible stand-in speech: one voiced burst per syllable, pauses at punctuation and
`<break>` tags, so that clients can decode it and measure a plausible duration.

Syllables are counted per script: vowel groups in alphabetic scripts, one per character in
CJK, kana and Hangul. Each is a short harmonic tone with an amplitude envelope and a little
noise, its pitch wandering with `temperature`; `speakingRate` scales the tempo. Output is
encoded as the request asks (OGG_OPUS, LINEAR16 as WAV, FLAC, MP3, ALAW, MULAW) with the
libsndfile bundled in `soundfile`.
"""

from __future__ import annotations

import hashlib
import io
import re

import numpy as np
import soundfile as sf

__all__ = ["ENCODINGS", "OPUS_RATES", "encode", "render_speech", "spoken_characters"]

#: audioEncoding -> (libsndfile format, subtype)
ENCODINGS = {
    "OGG_OPUS": ("OGG", "OPUS"),
    "LINEAR16": ("WAV", "PCM_16"),
    "FLAC": ("FLAC", "PCM_16"),
    "MP3": ("MP3", "MPEG_LAYER_III"),
    "ALAW": ("WAV", "ALAW"),
    "MULAW": ("WAV", "ULAW"),
}
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)

_BREAK = re.compile(r"<\s*break\b[^>]*?time\s*=\s*[\"']?(\d+(?:\.\d+)?)\s*(ms|s)[\"']?[^>]*>",
                    re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")
_VOWELS = re.compile(r"[aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿąęıœаеёиоуыэюяіїєαεηιουω"
                     r"אוי\u0627\u0648\u064a\u093e-\u094c\u0905-\u0914]+", re.IGNORECASE)
_SYLLABIC = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_PAUSE = {",": 0.12, ";": 0.18, ":": 0.15, "、": 0.12, "，": 0.12, ".": 0.3, "!": 0.3,
          "?": 0.3, "。": 0.3, "！": 0.3, "？": 0.3, "…": 0.3, "\n": 0.3}
MAX_BREAKS = 20
MAX_BREAK_S = 10.0


def spoken_characters(text: str) -> int:
    """Characters of `text` without markup (what `processedCharactersCount` reports)."""
    return len(_TAG.sub("", text))


def _segments(text: str) -> list[tuple[str, float]]:
    """(text, pause after it) pieces; breaks past the 20th are ignored, like Inworld."""
    pieces: list[tuple[str, float]] = []
    last = 0
    for count, match in enumerate(_BREAK.finditer(text)):
        seconds = float(match.group(1)) / (1000 if match.group(2).lower() == "ms" else 1)
        pieces.append((text[last:match.start()],
                       min(seconds, MAX_BREAK_S) if count < MAX_BREAKS else 0.0))
        last = match.end()
    pieces.append((text[last:], 0.0))
    return [(_TAG.sub(" ", t).replace("*", ""), pause) for t, pause in pieces]


def _syllables(word: str) -> int:
    return len(_SYLLABIC.findall(word)) + len(_VOWELS.findall(word)) or (1 if any(
        ch.isalnum() for ch in word) else 0)


def render_speech(text: str, *, rate: int, speaking_rate: float = 1.0,
                  temperature: float = 1.1, seconds_per_syllable: float = 0.17) -> np.ndarray:
    """Mono float32 samples at `rate` for `text` (SSML breaks honoured)."""
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
    rng = np.random.default_rng(seed)
    syllable_s = seconds_per_syllable / max(speaking_rate, 0.1)
    out: list[np.ndarray] = [np.zeros(int(0.05 * rate), dtype=np.float32)]
    base = 190.0 + 40.0 * rng.random()
    for segment, pause in _segments(text):
        for token in re.findall(r"\S+|\n", segment):
            for _ in range(_syllables(token)):
                n = int(syllable_s * rate)
                t = np.arange(n, dtype=np.float32) / rate
                pitch = base * (1 + 0.08 * temperature * rng.standard_normal())
                voice = sum(np.sin(2 * np.pi * pitch * k * t) / k for k in (1, 2, 3))
                envelope = np.sin(np.pi * np.arange(n) / max(n - 1, 1)) ** 1.5
                noise = 0.05 * rng.standard_normal(n)
                out.append((0.25 * envelope * (voice + noise)).astype(np.float32))
            gap = 0.04 + sum(_PAUSE.get(ch, 0.0) for ch in token[-1:])
            out.append(np.zeros(int(gap * rate / max(speaking_rate, 0.1)), dtype=np.float32))
        if pause:
            out.append(np.zeros(int(pause * rate), dtype=np.float32))
    out.append(np.zeros(int(0.05 * rate), dtype=np.float32))
    return np.clip(np.concatenate(out), -1.0, 1.0)


def encode(samples: np.ndarray, rate: int, encoding: str, bit_rate: int | None = None) -> bytes:
    """`samples` as a file in `encoding` (one of `ENCODINGS`)."""
    fmt, subtype = ENCODINGS[encoding]
    buffer = io.BytesIO()
    sf.write(buffer, samples, rate, format=fmt, subtype=subtype)
    return buffer.getvalue()
