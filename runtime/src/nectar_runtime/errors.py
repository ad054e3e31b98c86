"""What a handler's failure means to the consumer loop.

Three kinds of failure, three outcomes:
- `Poison`: the event can never be handled (it fails on its own merits): dead-lettered at once.
- `Retry`: not now, on purpose (waiting for another replica, a provider's 429): redelivered
  after a delay; dead-lettered only after `NECTAR_MAX_WAITS` deliveries.
- an *outage* of our own infrastructure (Redis, Postgres, NATS, Chroma, object storage):
  retried with capped backoff for as long as the dependency is down and never dead-lettered,
  because the message is fine and dead-lettering it would lose a turn.
- anything else: retried with backoff, dead-lettered after `NECTAR_MAX_DELIVERIES` failures.

Adapters of our own infrastructure raise `Unavailable` (or a subclass in the service's domain)
for "the dependency did not answer"; the raw client errors of Redis, NATS and asyncpg that
reach the loop unwrapped are recognised too (`outage_of`).
"""

from __future__ import annotations


class Poison(Exception):
    """Raised by a handler for an event that can never be handled; it is dead-lettered."""


class Retry(Exception):
    """Raised by a handler to ask for redelivery later (e.g. waiting on another replica)."""

    def __init__(self, reason: str, delay_s: float | None = None) -> None:
        super().__init__(reason)
        self.delay_s = delay_s


class Unavailable(Exception):
    """One of our own dependencies (`dependency`: redis, postgres, nats, chroma, s3) does not
    answer. The consumer loop retries the message for as long as it takes."""

    dependency: str = "infrastructure"

    def __init__(self, message: str = "", dependency: str | None = None) -> None:
        super().__init__(message or f"{dependency or self.dependency} unavailable")
        if dependency is not None:
            self.dependency = dependency


def _client_error_types() -> tuple[tuple[type[BaseException], str], ...]:
    """Raw client errors that mean "our infrastructure is down", by dependency."""
    found: list[tuple[type[BaseException], str]] = []
    try:
        import redis.exceptions as redis_errors

        found += [(redis_errors.ConnectionError, "redis"), (redis_errors.TimeoutError, "redis"),
                  (redis_errors.BusyLoadingError, "redis"), (redis_errors.ReadOnlyError, "redis"),
                  (redis_errors.ClusterDownError, "redis")]
    except ImportError:  # pragma: no cover - redis is a runtime dependency
        pass
    try:
        import nats.errors as nats_errors
        import nats.js.errors as js_errors

        found += [(nats_errors.ConnectionClosedError, "nats"), (nats_errors.NoServersError, "nats"),
                  (nats_errors.TimeoutError, "nats"), (nats_errors.NoRespondersError, "nats"),
                  (nats_errors.ConnectionReconnectingError, "nats"),
                  (nats_errors.StaleConnectionError, "nats"),
                  (js_errors.ServiceUnavailableError, "nats")]
    except ImportError:  # pragma: no cover - nats-py is a runtime dependency
        pass
    try:
        import asyncpg

        found += [(asyncpg.exceptions.ConnectionDoesNotExistError, "postgres"),
                  (asyncpg.exceptions.CannotConnectNowError, "postgres"),
                  (asyncpg.exceptions.TooManyConnectionsError, "postgres"),
                  (asyncpg.exceptions.AdminShutdownError, "postgres"),
                  (asyncpg.exceptions.ConnectionFailureError, "postgres")]
    except ImportError:  # only services with a database install asyncpg
        pass
    return tuple(found)


_CLIENT_ERRORS = _client_error_types()


def outage_of(exc: BaseException) -> str | None:
    """The dependency whose outage `exc` reports, or None when `exc` is not an outage.

    Follows `__cause__`/`__context__` a few levels: an adapter that wraps a client error in a
    domain error of its own keeps the outage visible."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 5:
        if isinstance(current, Unavailable):
            return current.dependency
        for error_type, dependency in _CLIENT_ERRORS:
            if isinstance(current, error_type):
                return dependency
        if getattr(current, "connection_invalidated", False):  # SQLAlchemy's DBAPIError
            return "postgres"
        current = current.__cause__ or current.__context__
        seen += 1
    return None
