"""The small runtime every Nectar service shares: bus, consumers, settings, telemetry, HTTP."""

from nectar_runtime.bus import EventBus, Poison, Retry, Subscription
from nectar_runtime.idempotency import InMemoryProcessedStore, ProcessedStore
from nectar_runtime.service import Runtime, ServiceSpec, serve
from nectar_runtime.settings import InfraSettings

__all__ = ["EventBus", "InMemoryProcessedStore", "InfraSettings", "Poison", "ProcessedStore",
           "Retry", "Runtime", "ServiceSpec", "Subscription", "serve"]
