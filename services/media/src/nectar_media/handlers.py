"""Media handlers: `verb_noun(event, deps) -> list[Event]`."""

from __future__ import annotations

from dataclasses import dataclass

from nectar_contracts import Event, ImageFailed, ImageRequested

PRODUCER = "media"


@dataclass(frozen=True)
class Deps:
    """What media handlers need (nothing yet: no ComfyUI adapter exists)."""


async def render_image(event: ImageRequested, deps: Deps) -> list[Event]:
    """On `media.image_requested`: no renderer is wired yet, so answer with a clear failure
    that the edge turns into a message (the user always hears something)."""
    return [event.caused(
        ImageFailed, producer=PRODUCER, chat_id=event.chat_id, character=event.character,
        session=event.session, language=event.language, reason="not_available",
        detail="image generation is not available yet",
    )]


HANDLERS = {ImageRequested: render_image}
