"""docs/configuration.md, generated from the settings classes so it cannot drift."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from nectar_runtime import InfraSettings
from nectar_runtime.objectstore import S3Settings
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

REPO_ROOT = Path(__file__).resolve().parents[3]

SETTINGS = [
    ("telegram_edge", "nectar_edge.settings", "EdgeSettings"),
    ("memory", "nectar_memory.settings", "MemorySettings"),
    ("llm", "nectar_llm.settings", "LlmSettings"),
    ("media", "nectar_media.settings", "MediaSettings"),
    ("voice", "nectar_voice.settings", "VoiceSettings"),
    ("billing", "nectar_billing.settings", "BillingSettings"),
]


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        if field.default_factory.__name__ == "gethostname":
            return "the host name"
        return "(computed)"
    if field.default is PydanticUndefined:
        return "**required**"
    if field.default is None:
        return "unset"
    value: Any = field.default
    if hasattr(value, "get_secret_value"):
        return "(secret)"
    if isinstance(value, Path):
        # files shipped in the repository: show them relative to it, so the page does not
        # depend on where the checkout lives
        try:
            return f"`{value.resolve().relative_to(REPO_ROOT)}` (bundled)"
        except ValueError:
            return f"`{value}`"
    return f"`{value}`"


def _rows(cls: type, prefix: str) -> list[str]:
    rows = []
    for name, field in cls.model_fields.items():
        if name in ("infra", "s3"):  # the shared NECTAR_ and NECTAR_S3_ tables
            continue
        description = (field.description or "").replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{prefix}{name.upper()}` | {_default(field)} | {description} |")
    return rows


def _plans_file_row() -> str:
    """The plan catalog's file: read by every service through `nectar_contracts.plans`
    (not a settings class: contracts do not depend on pydantic-settings)."""
    from nectar_contracts.plans import PACKAGED_PLANS_FILE

    default = f"`{PACKAGED_PLANS_FILE.resolve().relative_to(REPO_ROOT)}` (bundled)"
    return ("| `NECTAR_PLANS_FILE` | " + default + " | The one plan catalog (prices in Stars, "
            "crypto and card currency; daily turn, image and voice limits; content ceiling; "
            "context budget), read by every service through `nectar_contracts.plans`. Every "
            "service of a deployment must see the same file. |")


def render() -> str:
    lines = [
        "# Configuration",
        "",
        "Every service reads its configuration from environment variables (pydantic-settings)."
        " This page is generated from the settings classes by `nectar config docs`; a contract"
        " test fails when it is out of date.",
        "",
        "Secrets (tokens, keys, webhook secrets) are `SecretStr`: never logged, never"
        " defaulted in production.",
        "",
        "## Shared by every service (`NECTAR_`)",
        "",
        "| variable | default | meaning |",
        "|---|---|---|",
        *_rows(InfraSettings, InfraSettings.model_config.get("env_prefix", "")),
        _plans_file_row(),
        "",
        "## Object storage, for the services that store images and audio (`NECTAR_S3_`)",
        "",
        "| variable | default | meaning |",
        "|---|---|---|",
        *_rows(S3Settings, S3Settings.model_config.get("env_prefix", "")),
    ]
    for service, module, cls_name in SETTINGS:
        cls = getattr(importlib.import_module(module), cls_name)
        prefix = cls.model_config.get("env_prefix", "")
        lines += ["", f"## {service} (`{prefix}`)", "", "| variable | default | meaning |",
                  "|---|---|---|", *_rows(cls, prefix)]
    return "\n".join(lines) + "\n"
