"""Telegram edge settings (env prefix `EDGE_`)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from nectar_runtime import InfraSettings
from nectar_runtime.objectstore import S3Settings
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_HTTP_PORT = 8081

#: what Telegram accepts as `secret_token` in setWebhook
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class EdgeSettings(BaseSettings):
    """Settings of the Telegram edge: Bot API in (webhook or long polling) and out."""

    model_config = SettingsConfigDict(env_prefix="EDGE_", extra="ignore")

    infra: InfraSettings = Field(default_factory=InfraSettings)
    s3: S3Settings = Field(default_factory=S3Settings, description="Object storage "
                           "(`NECTAR_S3_*`): voice messages are read from it.")
    voice_bucket: str = Field("nectar-voice", description="Bucket the voice service stores "
                              "voice messages in (`VOICE_BUCKET`); `voice.voice_ready` names "
                              "a key in it.")

    telegram_bot_token: SecretStr = Field(
        description="Bot token from @BotFather (`<bot id>:<secret>`). Required, no default; the "
        "local stack passes the emulator's token. Never logged.")
    telegram_api_base: str = Field(
        "https://api.telegram.org",
        description="Base URL of the Bot API (`{base}/bot<token>/<method>`); the local stack "
        "points it at the Telegram emulator.")
    telegram_request_timeout_s: float = Field(
        30.0, gt=0, description="Timeout of one outbound Bot API request (long polls add their "
        "own wait on top).")
    role: Literal["all", "intake", "worker"] = Field(
        "all", description="What this process does: `all`; `intake` (the webhook or long "
        "polling only: updates are stored on the bus and acknowledged at once); `worker` "
        "(handles stored updates and delivers replies, no intake). Run intake and worker "
        "replicas apart so acknowledging Telegram never waits behind handling.")
    webhook_url: str | None = Field(
        None, description="Public URL of POST /telegram/webhook. Set: webhook mode (setWebhook "
        "with the secret at startup). Unset: long polling in a background job (deleteWebhook "
        "at startup).")
    webhook_secret: SecretStr | None = Field(
        None, description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (1-256 "
        "chars of A-Z a-z 0-9 _ -). Required in webhook mode.")
    poll_timeout_s: int = Field(25, ge=0, le=50, description="Long-poll wait of getUpdates, s.")
    default_character: str = Field("luna", description="Character of a user who never chose one.")
    characters: Annotated[tuple[str, ...], NoDecode] = Field(
        ("luna", "kai", "mira"),
        description="Character ids users can pick with /character (comma-separated).")
    default_language: str = Field("en", description="Reply language when Telegram reports no "
                                  "usable language_code.")
    update_dedupe_ttl_s: int = Field(86400, gt=0, description="How long a handled update_id "
                                     "is remembered (Telegram redelivers for up to 24 h).")
    update_claim_ttl_s: int = Field(60, gt=0, description="How long an update being handled "
                                    "is held against duplicates; after a crash mid-handling "
                                    "Telegram's redelivery is handled once this expired.")
    delivery_claim_ttl_s: int = Field(60, gt=0, description="Lifetime of the `pending` claim a "
                                      "replica takes on a reply before sending it (crash "
                                      "recovery: another replica may send after this).")
    delivery_record_ttl_s: int = Field(7 * 24 * 3600, gt=0, description="How long a sent "
                                       "reply's message ids are remembered (idempotency).")
    delivery_in_flight_retry_s: float = Field(5.0, gt=0, description="Redelivery delay when "
                                              "another replica is sending the same reply.")

    rate_window_s: float = Field(60.0, gt=0, description="Length of the sliding window of the "
                                 "per-user rate limit, s.")
    rate_limits: dict[str, int] = Field(
        {"free": 12, "basic": 20, "premium": 30, "vip": 40, "elite": 60},
        description="Messages a user may send per sliding window, by plan (JSON object). A "
        "plan missing here gets the `free` limit.")
    daily_turn_limits: dict[str, int] = Field(
        {"free": 30, "basic": 200, "premium": 1000, "vip": 3000, "elite": 10000},
        description="Cost guard: model-backed requests (chat turns, images) a user may start "
        "per UTC day, by plan (JSON object; defaults = billing's `daily_messages` "
        "entitlements). A plan missing here gets the `free` limit.")
    global_daily_turns: int = Field(200_000, gt=0, description="Cost guard: model-backed "
                                    "requests all users together may start per UTC day; "
                                    "over it every user gets a friendly 'try later'.")
    star_prices: dict[str, int] = Field(
        {"basic": 250, "premium": 500, "vip": 1000, "elite": 2000},
        description="Price of 30 days of each paid plan in Telegram Stars (XTR), as offered "
        "by /buy (JSON object); a plan missing here is not for sale. Must equal billing's "
        "`stars` prices (plans.toml), or billing records the payment without the plan.")
    payment_secret: SecretStr | None = Field(
        None, description="Key that signs invoice payloads (HMAC-SHA256). Unset: derived from "
        "the bot token, so payloads stay valid across replicas and restarts of one bot.")
    payment_support_text: str = Field(
        "", description="Extra contact line shown by /paysupport (e.g. an e-mail), appended "
        "to the localized text; empty for none.")
    flood_per_chat_per_s: float = Field(1.0, gt=0, description="Outbound messages per second "
                                        "to one chat (Telegram allows about 1).")
    flood_global_per_s: float = Field(30.0, gt=0, description="Outbound messages per second "
                                      "of this replica to all chats (Telegram allows about "
                                      "30 per bot; divide by the replica count).")
    chat_action_every_s: float = Field(4.5, gt=0, description="While a reply is being made, "
                                       "the chat action (typing, record_voice, upload_photo) "
                                       "is repeated this often (Telegram shows one for 5 s).")
    chat_action_max_s: float = Field(40.0, ge=0, description="Longest a chat action is "
                                     "repeated for one turn when no answer comes.")
    chat_action_max_turns: int = Field(200, ge=0, description="Turns of this replica whose "
                                       "chat action repeats at once; beyond, it is shown "
                                       "once.")
    flood_max_wait_s: float = Field(10.0, gt=0, description="Longest a send waits for a free "
                                    "slot before it is handed back to the bus for later.")

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> EdgeSettings:
        if self.webhook_url and not (self.webhook_secret and
                                     self.webhook_secret.get_secret_value()):
            raise ValueError("EDGE_WEBHOOK_SECRET is required when EDGE_WEBHOOK_URL is set")
        if self.webhook_secret is not None and not _SECRET_TOKEN.match(
                self.webhook_secret.get_secret_value()):
            raise ValueError("EDGE_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, "
                             "_ and - (Telegram's secret_token alphabet)")
        return self

    @property
    def webhook_mode(self) -> bool:
        return bool(self.webhook_url)

    @property
    def bot_id(self) -> int:
        """The bot's numeric id: the part of the token before the colon."""
        head = self.telegram_bot_token.get_secret_value().split(":", 1)[0]
        if not head.isdigit():
            raise ValueError("EDGE_TELEGRAM_BOT_TOKEN is not a Bot API token (<id>:<secret>)")
        return int(head)

    @field_validator("characters", mode="before")
    @classmethod
    def _split_characters(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip().lower() for part in value.split(",") if part.strip())
        return value
