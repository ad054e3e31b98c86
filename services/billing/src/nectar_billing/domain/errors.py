"""Domain exceptions; adapters translate driver errors into these."""

from __future__ import annotations


class BillingError(Exception):
    """Base of billing's domain errors."""


class UserRejected(BillingError):
    """A user record breaks an invariant (id not positive, unknown auth source or plan).

    Retrying cannot help: the input itself is wrong.
    """


class StoreUnavailable(BillingError):
    """The billing database could not be reached or failed transiently; retry later."""


class InvalidSignature(BillingError):
    """A webhook's signature is missing, wrong or outside the replay window (answer 401)."""


class UnknownUser(BillingError):
    """An operation names a user that does not exist."""


class UserAlreadyExists(UserRejected):
    """A plain INSERT found the id taken: nothing was overwritten (no upsert on users)."""
