"""Domain exceptions; adapters translate driver errors into these."""

from __future__ import annotations

from nectar_runtime import Unavailable


class BillingError(Exception):
    """Base of billing's domain errors."""


class UserRejected(BillingError):
    """A user record breaks an invariant (id not positive, unknown auth source or plan).

    Retrying cannot help: the input itself is wrong.
    """


class StoreUnavailable(BillingError, Unavailable):
    """The billing database could not be reached or failed transiently; retry later.

    An outage of our own infrastructure (`nectar_runtime.Unavailable`, dependency
    `postgres`): the consumer loop retries the message for as long as it takes and never
    dead-letters it."""

    dependency = "postgres"


class StoreRejected(BillingError):
    """The database refused a value on its own merits (out of its numeric range, a NUL
    character, a violated constraint). Retrying cannot help; nothing was written."""


class InvalidAmount(BillingError):
    """An amount billing cannot process (not a finite number, not positive, or beyond any
    price); the payment or refund carrying it is refused before anything is recorded."""


class InvalidSignature(BillingError):
    """A webhook's signature is missing, wrong or outside the replay window (answer 401)."""


class UnknownUser(BillingError):
    """An operation names a user that does not exist."""


class UserAlreadyExists(UserRejected):
    """A plain INSERT found the id taken: nothing was overwritten (no upsert on users)."""
