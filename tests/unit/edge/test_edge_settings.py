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
