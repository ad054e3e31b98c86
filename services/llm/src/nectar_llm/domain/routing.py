"""Which models answer a request: a chain of rungs tried in order.

Today one chain serves every plan. Routing by plan tier and content mode (and a paid-only
rescue tail) will choose among several `ModelChain`s here, without touching the handlers.
"""

from __future__ import annotations

from dataclasses import dataclass

from nectar_contracts import Plan


@dataclass(frozen=True)
class ModelChain:
    """Models tried in order; the first usable answer wins. Never empty."""

    models: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.models:
            raise ValueError("a model chain needs at least one model")


@dataclass(frozen=True)
class Routes:
    """The chains of the service: replies (per plan, later) and summaries."""

    reply: ModelChain
    summary: ModelChain

    def reply_chain(self, plan: Plan) -> ModelChain:
        """The chain that answers a turn of a user on `plan` (same for every plan today)."""
        return self.reply
