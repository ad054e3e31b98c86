"""Billing's domain: users, plans, the payments ledger and webhook verification. No I/O."""

from nectar_billing.domain.errors import (
    BillingError,
    InvalidAmount,
    InvalidSignature,
    StoreRejected,
    StoreUnavailable,
    UnknownUser,
    UserRejected,
)
from nectar_billing.domain.users import (
    AUTH_SOURCES,
    ID_RANGES,
    OAUTH_IDS,
    PLANS,
    TELEGRAM_IDS,
    TEST_IDS,
    NewUser,
    auth_source_of,
    telegram_user,
)

__all__ = ["AUTH_SOURCES", "ID_RANGES", "OAUTH_IDS", "PLANS", "TELEGRAM_IDS", "TEST_IDS",
           "BillingError", "InvalidAmount", "InvalidSignature", "NewUser", "StoreRejected",
           "StoreUnavailable", "UnknownUser",
           "UserRejected", "auth_source_of", "telegram_user"]
