"""Edge settings: required token, webhook mode needs a valid secret, secrets stay hidden."""

from __future__ import annotations

import pytest
from nectar_edge.settings import EdgeSettings
from pydantic import ValidationError

TOKEN = "123456:abcdefghijklmnopqrstuvwxyz"


def test_defaults_are_long_polling_with_documented_values(monkeypatch) -> None:
    monkeypatch.setenv("EDGE_TELEGRAM_BOT_TOKEN", TOKEN)
    for name in ("EDGE_WEBHOOK_URL", "EDGE_WEBHOOK_SECRET", "EDGE_TELEGRAM_API_BASE",
                 "EDGE_DEFAULT_CHARACTER", "EDGE_DEFAULT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    settings = EdgeSettings()
    assert settings.webhook_mode is False
    assert settings.telegram_api_base == "https://api.telegram.org"
    assert (settings.default_character, settings.default_language) == ("luna", "en")
    assert settings.update_dedupe_ttl_s == 86400
    assert settings.bot_id == 123456
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.model_dump())


def test_the_token_is_required(monkeypatch) -> None:
    monkeypatch.delenv("EDGE_TELEGRAM_BOT_TOKEN", raising=False)
    with pytest.raises(ValidationError, match="telegram_bot_token"):
        EdgeSettings()


def test_webhook_mode_requires_a_secret() -> None:
    with pytest.raises(ValidationError, match="EDGE_WEBHOOK_SECRET is required"):
        EdgeSettings(telegram_bot_token=TOKEN, webhook_url="https://edge.example/telegram/webhook")


@pytest.mark.parametrize("secret", ["has space", "x" * 257, "semi;colon"])
def test_the_secret_must_be_in_telegrams_alphabet(secret) -> None:
    with pytest.raises(ValidationError, match="alphabet"):
        EdgeSettings(telegram_bot_token=TOKEN, webhook_url="https://e.example/w",
                     webhook_secret=secret)


def test_webhook_mode_with_a_secret() -> None:
    settings = EdgeSettings(telegram_bot_token=TOKEN, webhook_url="https://e.example/w",
                            webhook_secret="Abc_123-xyz")
    assert settings.webhook_mode is True


# --- secrets in production mode ---------------------------------------------------------

def test_production_mode_is_the_real_bot_api() -> None:
    assert EdgeSettings(telegram_bot_token=TOKEN).production is True
    assert EdgeSettings(telegram_bot_token=TOKEN,
                        telegram_api_base="https://api.telegram.org/").production is True
    assert EdgeSettings(telegram_bot_token=TOKEN,
                        telegram_api_base="http://127.0.0.1:8091").production is False


@pytest.mark.parametrize("secret", [None, "", "too-short"])
def test_production_refuses_to_start_without_a_payment_secret(secret) -> None:
    settings = EdgeSettings(telegram_bot_token=TOKEN, payment_secret=secret)
    with pytest.raises(ValueError, match="EDGE_PAYMENT_SECRET is required in production"):
        settings.check_production_secrets()


def test_production_with_a_payment_secret_and_an_emulator_without_one_start() -> None:
    EdgeSettings(telegram_bot_token=TOKEN,
                 payment_secret="0123456789abcdef0123").check_production_secrets()
    EdgeSettings(telegram_bot_token=TOKEN,
                 telegram_api_base="http://127.0.0.1:8091").check_production_secrets()


def test_the_service_exits_with_a_clear_message_before_connecting_anything() -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("EDGE_", "NECTAR_"))}
    env["EDGE_TELEGRAM_BOT_TOKEN"] = TOKEN
    env["NECTAR_NATS_URL"] = "nats://127.0.0.1:9"  # nothing listens: must not be reached
    done = subprocess.run([sys.executable, "-m", "nectar_edge"], env=env, timeout=60, check=False,
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "EDGE_PAYMENT_SECRET is required in production mode" in done.stderr
    assert TOKEN not in done.stderr


def test_the_policy_has_no_payment_key_by_default() -> None:
    from nectar_edge.deps import Policy

    with pytest.raises(TypeError, match="payment_key"):
        Policy()  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="payment_key"):
        Policy(payment_key=b"", star_prices={}, daily_turn_limits={})
