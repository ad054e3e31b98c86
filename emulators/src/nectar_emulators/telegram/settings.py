"""Settings of the Telegram Bot API emulator (environment prefix `TGEMU_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class TelegramEmulatorSettings(BaseSettings):
    """Everything tunable about the Telegram emulator; CLI flags override these."""

    model_config = SettingsConfigDict(env_prefix="TGEMU_", extra="ignore")

    host: str = Field(default="127.0.0.1", description="Interface to listen on.")
    port: int = Field(default=8091, description="TCP port to listen on.")
    log_level: str = Field(default="info", description="stdlib logging level name.")
    bot_first_name: str = Field(
        default="Nectar Emulator", description="first_name of every emulated bot (getMe)."
    )
    max_long_poll_s: float = Field(
        default=50.0, description="Upper bound applied to getUpdates/chat long-poll timeouts."
    )
    flood_limit_per_s: float = Field(
        default=0.0,
        description="Per-bot limit of send*/edit* calls per second; 0 disables the 429 flood gate.",
    )
    flood_per_chat_per_s: float = Field(
        default=0.0,
        description="Per-chat limit of send*/edit* calls per second (Telegram allows about 1,"
        " with short bursts); 0 disables it. Burst: `flood_per_chat_burst` extra calls.",
    )
    flood_per_chat_burst: int = Field(
        default=2, ge=0, description="Calls over `flood_per_chat_per_s` tolerated in 1 s."
    )
    webhook_timeout_s: float = Field(
        default=10.0, description="How long one webhook POST may take before it counts as failed."
    )
    webhook_retry_delays_s: list[float] = Field(
        default=[0.2, 0.5, 1.0],
        description="Pauses between webhook delivery attempts of one update (len+1 tries).",
    )
    webhook_idle_retry_s: float = Field(
        default=5.0,
        description="After the tries above fail, how long to wait before trying the pending"
        " updates again (a new update or setWebhook retries at once).",
    )
    strict_chats: bool = Field(
        default=True,
        description="Answer 'chat not found' for chats no user has written from.",
    )
