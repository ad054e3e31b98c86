"""Reading the versioned voice data files (`voices.toml`, `pronunciation.toml`).

`load_catalog(path)` and `load_pronunciations(path)` read and validate a file (`CatalogError`
naming the offending key on any problem); the service reads both at start and refuses to
start on an invalid file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nectar_voice.domain.catalog import CatalogError, VoiceCatalog
from nectar_voice.domain.model import LANGUAGES
from nectar_voice.domain.pronunciation import (
    Pronunciation,
    PronunciationBook,
    PronunciationDictionary,
)


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return tomllib.loads(raw.decode())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path} is not valid TOML: {exc}") from None


def load_catalog(path: Path) -> VoiceCatalog:
    """The validated voice catalog in `path`."""
    return VoiceCatalog.from_mapping(_read(path), source=str(path))


def pronunciations_from_mapping(data: Mapping[str, Any]) -> PronunciationBook:
    version = data.get("version")
    if not isinstance(version, (str, int)) or not str(version).strip():
        raise CatalogError("pronunciations: `version` is required")
    characters = data.get("characters", {})
    if not isinstance(characters, Mapping):
        raise CatalogError("pronunciations: `characters` must be a table")
    dictionaries: list[PronunciationDictionary] = []
    for character, entries in characters.items():
        if not isinstance(entries, list):
            raise CatalogError(f"pronunciations: characters.{character} must be an array of "
                               f"tables ([[characters.{character}]])")
        parsed: list[Pronunciation] = []
        for number, entry in enumerate(entries):
            where = f"characters.{character}[{number}]"
            if not isinstance(entry, Mapping):
                raise CatalogError(f"pronunciations: {where} must be a table")
            languages = entry.get("languages", [])
            if not isinstance(languages, list) or any(lang not in LANGUAGES
                                                      for lang in languages):
                raise CatalogError(f"pronunciations: {where}.languages must list known "
                                   f"language codes")
            try:
                parsed.append(Pronunciation(term=str(entry.get("term", "")),
                                            respell=str(entry.get("respell", "")),
                                            ipa=str(entry.get("ipa", "")),
                                            languages=frozenset(languages)))
            except ValueError as exc:
                raise CatalogError(f"pronunciations: {where}: {exc}") from None
        dictionaries.append(PronunciationDictionary(character=str(character),
                                                    version=str(version),
                                                    entries=tuple(parsed)))
    return PronunciationBook(version=str(version), dictionaries=tuple(dictionaries))


def load_pronunciations(path: Path) -> PronunciationBook:
    """The validated pronunciation dictionaries in `path`."""
    return pronunciations_from_mapping(_read(path))
