"""Composition root of the voice service."""

from __future__ import annotations

from nectar_voice.handlers import Deps


def build_deps() -> Deps:
    return Deps()
