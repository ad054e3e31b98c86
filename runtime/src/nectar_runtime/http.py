"""What every adapter of an HTTP provider reads the same way (OpenRouter, Inworld, ...)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

#: statuses that say "try again (later or elsewhere)" besides 5xx
TRANSIENT_STATUSES = frozenset({408, 409, 425, 429})


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP-date, RFC 9110
    §10.2.3); None when absent or unreadable, never negative."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


class ProviderClient:
    """The `Managed` end of an adapter that holds one HTTP client (httpx) in `_client`,
    opened by its own `start`: `close` releases it, `check` says whether it is open and
    never calls the provider (a call would cost quota). `provider` names it in errors."""

    provider = "provider"
    _client: Any = None

    async def close(self) -> None:
        """Close the HTTP client (lifespan shutdown hook)."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def check(self) -> None:
        """Readiness: the client is open. Never calls the provider (that costs quota)."""
        if self._client is None:
            raise RuntimeError(f"{self.provider} client not started")
