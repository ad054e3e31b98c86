"""Pure logic of the voice service: preprocessing, splitting, mood, pronunciation, catalog,
cache key, errors and value types. No I/O."""

from nectar_voice.domain.cache_key import cache_key, normalise_text
from nectar_voice.domain.catalog import CatalogError, CharacterVoices, VoiceCatalog
from nectar_voice.domain.errors import (
    AllEnginesFailed,
    Attempt,
    NothingToSay,
    PermanentSynthesisError,
    QuotaExhausted,
    SynthesisError,
    TransientSynthesisError,
    UnsupportedLanguage,
)
from nectar_voice.domain.expressive import Enriched, detect_mood, enrich, plain_text
from nectar_voice.domain.model import (
    LANGUAGES,
    OUTPUT_SAMPLE_RATE,
    Audio,
    EngineCaps,
    EngineRequest,
    Gender,
    Limits,
    Prosody,
    ProsodyRange,
    Script,
    Speech,
    VoiceChoice,
)
from nectar_voice.domain.pronunciation import (
    EMPTY_BOOK,
    EMPTY_DICTIONARY,
    Pronunciation,
    PronunciationBook,
    PronunciationDictionary,
)
from nectar_voice.domain.script import prepare, speakable

__all__ = [
    "EMPTY_BOOK", "EMPTY_DICTIONARY", "LANGUAGES", "OUTPUT_SAMPLE_RATE", "AllEnginesFailed", "Attempt",
    "Audio", "CatalogError", "CharacterVoices", "EngineCaps", "EngineRequest", "Enriched",
    "Gender", "Limits", "NothingToSay", "PermanentSynthesisError", "Pronunciation",
    "PronunciationBook", "PronunciationDictionary", "Prosody", "ProsodyRange", "QuotaExhausted", "Script",
    "Speech", "SynthesisError", "TransientSynthesisError", "UnsupportedLanguage",
    "VoiceCatalog", "VoiceChoice", "cache_key", "detect_mood", "enrich", "normalise_text",
    "plain_text", "prepare", "speakable",
]
