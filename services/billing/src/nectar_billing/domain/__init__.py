"""Billing's domain: users and their plans. Pure logic, no I/O."""

from nectar_billing.domain.errors import BillingError, StoreUnavailable, UserRejected
from nectar_billing.domain.users import AUTH_SOURCES, PLANS, NewUser, telegram_user

__all__ = ["AUTH_SOURCES", "PLANS", "BillingError", "NewUser", "StoreUnavailable",
           "UserRejected", "telegram_user"]
