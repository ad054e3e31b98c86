"""How provider answers map to domain outcomes (pure parts of the OpenRouter adapter), and
the service's settings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from nectar_llm.adapters.openrouter import (
    _error_message,
    moderation_reasons,
    parse_retry_after,
    parse_usage,
    status_error,
)
from nectar_llm.domain.errors import PermanentModelError, TransientModelError
from nectar_llm.domain.model import TokenUsage
from nectar_llm.routing_file import DEFAULT_ROUTING_FILE
from nectar_llm.settings import LlmSettings


@pytest.mark.parametrize(("value", "expected"), [
    ("7", 7.0), (" 1.5 ", 1.5), ("-3", 0.0), ("", None), (None, None), ("soon", None),
    ("Fri, 01 May 2026 12:00:30 GMT", 30.0), ("Fri, 01 May 2026 11:00:00 GMT", 0.0),
])
def test_retry_after_is_parsed_from_seconds_or_http_date(value, expected) -> None:
    now = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == expected


@pytest.mark.parametrize(("status", "outcome"), [
    (429, "rate_limited"), (500, "server_error"), (502, "server_error"),
    (503, "server_error"), (408, "transient"), (409, "transient"), (425, "transient"),
])
def test_retryable_statuses_are_transient(status, outcome) -> None:
    error = status_error("m/x", status, "busy", retry_after_s=2.0)

    assert isinstance(error, TransientModelError)
    assert (error.outcome, error.status, error.retry_after_s, error.model) == (
        outcome, status, 2.0, "m/x")
    assert str(error).startswith(f"HTTP {status}: busy")


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 422])
def test_other_client_errors_are_permanent(status) -> None:
    error = status_error("m/x", status, "nope")

    assert isinstance(error, PermanentModelError)
    assert (error.outcome, error.status) == ("client_error", status)


def test_402_with_retry_after_is_transient_and_a_bare_402_is_not() -> None:
    waiting = status_error("m/x", 402, "Insufficient credits", retry_after_s=30.0)
    bare = status_error("m/x", 402, "Insufficient credits")

    assert isinstance(waiting, TransientModelError)
    assert (waiting.outcome, waiting.retry_after_s) == ("payment_required", 30.0)
    assert isinstance(bare, PermanentModelError)


def test_moderation_errors_name_the_reasons_never_the_flagged_input() -> None:
    body = {"error": {"code": 403, "message": "Your chosen model requires moderation and "
                      "your input was flagged", "metadata": {
                          "reasons": ["sexual", "harassment"],
                          "flagged_input": "the user's own private words",
                          "provider_name": "Emulator", "model_slug": "m/x"}}}

    assert moderation_reasons(body) == ["sexual", "harassment"]
    assert moderation_reasons({"error": {"code": 403, "message": "forbidden"}}) is None
    message = _error_message(body)
    assert "[moderation: sexual, harassment]" in message and "[provider Emulator]" in message
    assert "private words" not in message
    error = status_error("m/x", 403, message, moderated=True)
    assert isinstance(error, PermanentModelError) and error.outcome == "moderated"


def test_usage_reads_cached_tokens_and_cost() -> None:
    raw = {"prompt_tokens": 1200, "completion_tokens": 80, "total_tokens": 1280,
           "prompt_tokens_details": {"cached_tokens": 1024}, "cost": 0.00042}

    assert parse_usage(raw) == TokenUsage(prompt=1200, completion=80, cached=1024,
                                          cost=0.00042)
    assert parse_usage(None) == TokenUsage()
    assert parse_usage({"prompt_tokens": None, "cost": "n/a"}) == TokenUsage()


def test_api_key_is_secret_in_settings(monkeypatch) -> None:
    monkeypatch.setenv("LLM_OPENROUTER_API_KEY", "sk-or-very-secret")

    settings = LlmSettings()

    assert "sk-or-very-secret" not in repr(settings)
    assert settings.openrouter_api_key.get_secret_value() == "sk-or-very-secret"


def test_defaults_match_the_documented_ones(monkeypatch) -> None:
    for name in ("LLM_ROUTING_FILE", "LLM_OPENROUTER_BASE_URL", "LLM_TEMPERATURE",
                 "LLM_COST_GUARD_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)

    settings = LlmSettings()

    assert settings.routing_file == DEFAULT_ROUTING_FILE
    assert settings.guard_redis_url == settings.infra.redis_url
    assert settings.openrouter_base_url == "http://127.0.0.1:8092/api/v1"
    assert settings.temperature == 0.9
    assert (settings.request_timeout_s, settings.connect_timeout_s) == (30.0, 5.0)
