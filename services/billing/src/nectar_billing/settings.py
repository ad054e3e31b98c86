"""Billing service settings (env prefix `BILLING_`).

The plan catalog is not a billing setting: every service reads the same file
(`NECTAR_PLANS_FILE`, else the one shipped in `nectar_contracts`).
"""

from __future__ import annotations

from nectar_runtime import InfraSettings
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HTTP_PORT = 8086
DEFAULT_DATABASE_URL = "postgresql+asyncpg://nectar@127.0.0.1:5433/nectar"


class BillingSettings(BaseSettings):
    """Settings of the billing service."""

    model_config = SettingsConfigDict(env_prefix="BILLING_", extra="ignore")

    infra: InfraSettings = Field(default_factory=InfraSettings)
    database_url: SecretStr = Field(
        SecretStr(DEFAULT_DATABASE_URL),
        description="SQLAlchemy URL of the billing database (asyncpg driver), e.g. "
        f"`{DEFAULT_DATABASE_URL}` (the local stack). Secret: it may carry a password.")
    migrate_on_start: bool = Field(
        True, description="Upgrade the schema to the newest revision when the service starts "
        "(under a Postgres advisory lock, so replicas do not race). Turn off when migrations "
        "run as a separate job (`python -m nectar_billing migrate`).")
    pool_size: int = Field(5, ge=1, description="Connections kept open in the pool.")
    max_overflow: int = Field(5, ge=0, description="Extra connections opened above "
                              "`pool_size` under load, closed when returned.")
    pool_timeout_s: float = Field(10.0, gt=0, description="How long a caller waits for a "
                                  "free connection before failing.")
    connect_timeout_s: float = Field(5.0, gt=0, description="Timeout of one connection "
                                     "attempt to Postgres.")
    outbox_poll_s: float = Field(1.0, gt=0, description="Seconds between two polls of the "
                                 "outbox when nothing wakes the relay (a handler that writes "
                                 "outbox rows wakes it at once).")
    outbox_batch_size: int = Field(100, ge=1, le=10_000, description="Outbox rows relayed "
                                   "to NATS per transaction.")
    cryptobot_app_token: SecretStr = Field(
        SecretStr(""), description="Crypto Pay app token; webhooks are verified with "
        "HMAC-SHA256 keyed by SHA-256 of it. Empty: the CryptoBot webhook answers 401.")
    paddle_webhook_secret: SecretStr = Field(
        SecretStr(""), description="Paddle notification destination secret (`pdl_ntfset_...`) "
        "for `Paddle-Signature`. Empty: the card webhook answers 401.")
    paddle_max_skew_s: float = Field(
        5.0, gt=0, description="Replay window of card webhooks: a `Paddle-Signature` whose "
        "`ts` is further than this from now is refused (Paddle's SDKs use 5 s).")
    webhook_poll_s: float = Field(
        1.0, gt=0, description="Seconds between two sweeps for recorded, unprocessed "
        "webhooks when nothing wakes the processor (a new recording wakes it at once).")
    webhook_batch_size: int = Field(50, ge=1, le=1000, description="Recorded webhooks "
                                    "processed per sweep.")
    webhook_max_attempts: int = Field(
        5, ge=1, le=100, description="Attempts to process a recorded webhook before it is "
        "marked `dead` (nothing credited; `nectar_billing_webhooks_dead_total` counts them "
        "and an error is logged: alert on it). An outage of the database is not an attempt.")
    webhook_retry_base_s: float = Field(
        5.0, gt=0, description="Delay before retrying a webhook whose processing failed, "
        "doubled at each further failure; later webhooks are processed meanwhile.")
    webhook_retry_max_s: float = Field(3600.0, gt=0, description="Longest delay between two "
                                       "attempts at one webhook.")
    webhook_max_body_bytes: int = Field(
        65536, ge=1024, description="Largest webhook body accepted; a larger one is refused "
        "(413) before it is read further. Provider notifications are a few kilobytes.")
    expiry_sweep_s: float = Field(60.0, gt=0, description="Seconds between two sweeps for "
                                  "paid plans that have lapsed (each gets "
                                  "`billing.plan_changed` to free).")
