"""Docker-free local Nectar stack: a library (Stack/StackConfig) with a thin CLI (nectar-stack)."""

from .config import ALL_COMPONENTS, EMULATORS, INFRA, SERVICES, StackConfig
from .stack import ComponentStatus, Stack, StackError, mask_env

__all__ = [
    "ALL_COMPONENTS",
    "EMULATORS",
    "INFRA",
    "SERVICES",
    "ComponentStatus",
    "Stack",
    "StackConfig",
    "StackError",
    "mask_env",
]
