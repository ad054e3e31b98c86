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
