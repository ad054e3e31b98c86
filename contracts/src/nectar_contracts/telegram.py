"""Telegram context: raw updates accepted by the edge, handled through the bus."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from nectar_contracts.envelope import Event


class UpdateReceived(Event):
    """The edge accepted a Telegram update (its webhook answered, or long polling took it);
    an edge consumer handles it. `user_id` is the sender (0 when the update has none), so
    one user's updates are handled in order. The event id is derived from (bot, update id),
    so a redelivered update is dropped by JetStream's duplicate window."""

    type: Literal["telegram.update_received"] = Field("telegram.update_received",
                                                      description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    bot_id: int = Field(description="The bot the update was sent to.")
    update_id: int = Field(description="Telegram's update id.")
    update: dict[str, Any] = Field(description="The Update object exactly as Telegram sent "
                                   "it (https://core.telegram.org/bots/api#update).")
