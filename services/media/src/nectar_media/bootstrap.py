"""Composition root of the media service."""

from __future__ import annotations

from nectar_media.handlers import Deps


def build_deps() -> Deps:
    return Deps()
