"""The voice catalog: character x language -> voice, per engine (pure; read from the
versioned `voices.toml` by `catalog_file.py`).

A character names a gender and, per engine, a voice per language with `"*"` as the
character's voice for languages without their own entry. An engine absent from a
character falls back to the `default` character's entry for that engine; no voice at all
means the engine is skipped for that request (`UnsupportedLanguage`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from nectar_voice.domain.model import LANGUAGES, Gender, VoiceChoice

ANY_LANGUAGE = "*"
DEFAULT_CHARACTER = "default"


class CatalogError(ValueError):
    """The catalog file is invalid; the message names the offending key."""


@dataclass(frozen=True)
class CharacterVoices:
    """One character's voices: `voices[engine][language or "*"] -> voice id`."""

    character: str
    gender: Gender
    voices: Mapping[str, Mapping[str, str]]

    def voice(self, engine: str, language: str) -> str | None:
        per_language = self.voices.get(engine)
        if not per_language:
            return None
        return per_language.get(language) or per_language.get(ANY_LANGUAGE)


@dataclass(frozen=True)
class VoiceCatalog:
    """`version` is part of the audio cache key: bump it on every change."""

    version: str
    models: Mapping[str, str]
    characters: Mapping[str, CharacterVoices]
    default_character: str = DEFAULT_CHARACTER
    source: str = field(default="", compare=False)

    def character(self, character: str) -> CharacterVoices | None:
        return self.characters.get(character) or self.characters.get(self.default_character)

    def gender(self, character: str) -> Gender:
        entry = self.character(character)
        return entry.gender if entry else Gender.FEMALE

    def voice_for(self, character: str, language: str, engine: str) -> VoiceChoice | None:
        """The voice `engine` uses for `character` in `language`, or None when it has none."""
        for entry in (self.characters.get(character),
                      self.characters.get(self.default_character)):
            if entry is None:
                continue
            voice = entry.voice(engine, language)
            if voice:
                return VoiceChoice(engine=engine, voice=voice, model=self.models.get(engine, ""))
            if engine in entry.voices:
                # the character has its own voices for this engine, none for the language
                return None
        return None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str = "") -> VoiceCatalog:
        """Validate a parsed catalog (TOML tables): `version`, `[engines.<name>] model`,
        `[characters.<id>] gender` and `[characters.<id>.voices.<engine>] <lang> = voice`."""
        version = data.get("version")
        if not isinstance(version, (str, int)) or not str(version).strip():
            raise CatalogError("`version` is required (a string, bumped on every change)")
        engines = data.get("engines", {})
        if not isinstance(engines, Mapping):
            raise CatalogError("`engines` must be a table")
        models: dict[str, str] = {}
        for name, spec in engines.items():
            if not isinstance(spec, Mapping):
                raise CatalogError(f"engines.{name} must be a table")
            model = spec.get("model", "")
            if not isinstance(model, str):
                raise CatalogError(f"engines.{name}.model must be a string")
            models[name] = model
        characters_raw = data.get("characters")
        if not isinstance(characters_raw, Mapping) or not characters_raw:
            raise CatalogError("`characters` must be a non-empty table")
        characters: dict[str, CharacterVoices] = {}
        for character, spec in characters_raw.items():
            where = f"characters.{character}"
            if not isinstance(spec, Mapping):
                raise CatalogError(f"{where} must be a table")
            try:
                gender = Gender(str(spec.get("gender", "")).lower())
            except ValueError:
                raise CatalogError(f"{where}.gender must be one of "
                                   f"{', '.join(g.value for g in Gender)}") from None
            voices_raw = spec.get("voices", {})
            if not isinstance(voices_raw, Mapping):
                raise CatalogError(f"{where}.voices must be a table")
            voices: dict[str, Mapping[str, str]] = {}
            for engine, per_language in voices_raw.items():
                if engine not in models:
                    raise CatalogError(f"{where}.voices.{engine}: unknown engine (add "
                                       f"[engines.{engine}])")
                if not isinstance(per_language, Mapping):
                    raise CatalogError(f"{where}.voices.{engine} must be a table")
                table: dict[str, str] = {}
                for language, voice in per_language.items():
                    if language != ANY_LANGUAGE and language not in LANGUAGES:
                        raise CatalogError(f"{where}.voices.{engine}.{language}: unknown "
                                           f"language")
                    if not isinstance(voice, str) or not voice.strip():
                        raise CatalogError(f"{where}.voices.{engine}.{language} must be a "
                                           f"voice id")
                    table[language] = voice.strip()
                voices[engine] = MappingProxyType(table)
            characters[character] = CharacterVoices(character, gender,
                                                    MappingProxyType(voices))
        default = str(data.get("default_character", DEFAULT_CHARACTER))
        if default not in characters:
            raise CatalogError(f"default_character {default!r} is not in `characters`")
        return cls(version=str(version), models=MappingProxyType(models),
                   characters=MappingProxyType(characters), default_character=default,
                   source=source)
