"""The small runtime every Nectar service shares: bus, consumers, settings, telemetry, HTTP."""

from nectar_runtime.bus import EventBus, Subscription
from nectar_runtime.errors import Poison, Retry, Unavailable, outage_of
from nectar_runtime.idempotency import InMemoryProcessedStore, ProcessedStore
from nectar_runtime.index import Index, On, consumer_name, subscriptions
from nectar_runtime.lifecycle import Managed, lifecycles
from nectar_runtime.metrics import MetricSet
from nectar_runtime.service import Runtime, ServiceSpec, run, serve
from nectar_runtime.settings import ConfigurationError, InfraSettings

__all__ = ["ConfigurationError", "EventBus", "InMemoryProcessedStore", "Index", "InfraSettings",
           "Managed", "MetricSet", "On", "Poison", "ProcessedStore", "Retry", "Runtime",
           "ServiceSpec", "Subscription", "Unavailable", "consumer_name", "lifecycles",
           "outage_of", "run", "serve", "subscriptions"]
