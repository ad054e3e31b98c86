"""The audio cache key: the same reply spoken the same way is the same object (pure)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

from nectar_voice.domain.expressive import PREPROCESS_VERSION
from nectar_voice.domain.model import OUTPUT_SAMPLE_RATE, Prosody, VoiceChoice

_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """NFC, whitespace runs as one space, trimmed: spacing never splits the cache."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def cache_key(text: str, *, language: str, voice: VoiceChoice, prosody: Prosody,
              dictionary_version: str, catalog_version: str = "",
              audio_format: str = f"ogg_opus_{OUTPUT_SAMPLE_RATE}_mono") -> str:
    """SHA-256 (hex) of the normalised text and everything that changes the audio: language,
    engine, voice, model, temperature, speaking rate, output format, the pronunciation
    dictionary's and the catalog's versions and the preprocessor's version."""
    payload = json.dumps(
        {"text": normalise_text(text), "language": language, "engine": voice.engine,
         "voice": voice.voice, "model": voice.model, "temperature": prosody.temperature,
         "speaking_rate": prosody.speaking_rate, "format": audio_format,
         "dictionary": dictionary_version, "catalog": catalog_version,
         "preprocess": PREPROCESS_VERSION},
        ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()
