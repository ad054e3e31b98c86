"""Schema export and backward-compatibility rules for event schemas.

Committed schemas live in `contracts/schemas/<type>/v<N>.json`, one file per schema version,
never edited once a version is out. A change to a model is *compatible* when every payload
valid under the old schema is still valid and still means the same: only new optional fields,
new descriptions or examples, or widened enums. Anything else (a field removed or renamed, a
type changed, a new required field, a narrowed enum) is *breaking* and needs
`schema_version` bumped, which writes a new file beside the old one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nectar_contracts.envelope import Event
from nectar_contracts.registry import ALL_EVENTS

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"


def event_schema(cls: type[Event]) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of an event's payload, with id and version."""
    schema = cls.model_json_schema(mode="validation")
    type_ = cls.model_fields["type"].default
    version = cls.model_fields["schema_version"].default
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://nectar.dev/schemas/{type_}/v{version}.json"
    schema["x-subject"] = cls.subscription_subject()
    schema["x-stream"] = cls.stream
    return schema


def schema_path(cls: type[Event], root: Path = SCHEMAS_DIR) -> Path:
    type_ = cls.model_fields["type"].default
    version = cls.model_fields["schema_version"].default
    return root / type_ / f"v{version}.json"


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _resolve(root["$defs"][ref.removeprefix("#/$defs/")], root)
    return schema


def _types(schema: dict[str, Any], root: dict[str, Any]) -> set[str]:
    schema = _resolve(schema, root)
    if "anyOf" in schema:
        out: set[str] = set()
        for option in schema["anyOf"]:
            out |= _types(option, root)
        return out
    if "const" in schema:
        return {f"const:{json.dumps(schema['const'])}"}
    if "enum" in schema:
        return {f"const:{json.dumps(v)}" for v in schema["enum"]}
    if "type" in schema:
        kind = schema["type"]
        fmt = schema.get("format")
        if kind == "object" and "properties" in schema:
            return {f"object:{schema.get('title', '')}"}
        if kind == "array":
            items = _types(schema.get("items", {}), root)
            return {f"array<{'|'.join(sorted(items))}>"}
        return {f"{kind}:{fmt}" if fmt else str(kind)}
    return {"any"}


def breaking_changes(old: dict[str, Any], new: dict[str, Any], path: str = "") -> list[str]:
    """Reasons why payloads valid under `old` may be invalid or mean something else under
    `new`. Empty when the change is compatible."""
    problems: list[str] = []
    old_props = old.get("properties", {})
    new_props = new.get("properties", {})
    old_required = set(old.get("required", []))
    new_required = set(new.get("required", []))
    for name in old_props:
        if name not in new_props:
            problems.append(f"{path}{name}: field removed or renamed")
    for name in new_required - old_required:
        if name in new_props and name not in old_props:
            problems.append(f"{path}{name}: new required field")
        elif name in old_props:
            problems.append(f"{path}{name}: field became required")
    for name, old_field in old_props.items():
        if name not in new_props:
            continue
        old_t = _types(old_field, old)
        new_t = _types(new_props[name], new)
        if not old_t <= new_t and "any" not in new_t:
            problems.append(f"{path}{name}: type changed from {sorted(old_t)} to {sorted(new_t)}")
        old_obj = _resolve(old_field, old)
        new_obj = _resolve(new_props[name], new)
        for sub_old, sub_new in ((old_obj, new_obj),
                                 (old_obj.get("items", {}), new_obj.get("items", {}))):
            sub_old, sub_new = _resolve(sub_old, old), _resolve(sub_new, new)
            if "properties" in sub_old and "properties" in sub_new:
                nested = breaking_changes({**sub_old, "$defs": old.get("$defs", {})},
                                          {**sub_new, "$defs": new.get("$defs", {})},
                                          f"{path}{name}.")
                problems.extend(nested)
    if old.get("additionalProperties") is not False and new.get("additionalProperties") is False:
        problems.append(f"{path}<root>: extra fields no longer allowed")
    return problems


def check_all(root: Path = SCHEMAS_DIR) -> list[str]:
    """Differences between the models and the committed schemas, with what to do."""
    problems: list[str] = []
    for cls in ALL_EVENTS:
        path = schema_path(cls, root)
        current = event_schema(cls)
        if not path.exists():
            previous = sorted(path.parent.glob("v*.json"),
                              key=lambda p: int(p.stem[1:])) if path.parent.exists() else []
            hint = f" (previous: {previous[-1].name})" if previous else ""
            problems.append(f"{cls.__name__}: no committed schema {path.relative_to(root)}"
                            f"{hint}; run `nectar contracts export`")
            continue
        committed = json.loads(path.read_text())
        if committed == current:
            continue
        breaking = breaking_changes(committed, current)
        if breaking:
            problems.append(
                f"{cls.__name__}: incompatible change without a schema_version bump: "
                + "; ".join(breaking))
        else:
            problems.append(f"{cls.__name__}: compatible change not exported; run "
                            "`nectar contracts export`")
    return problems


def export_all(root: Path = SCHEMAS_DIR) -> list[Path]:
    """Write the schema of every event's current version; refuse breaking overwrites."""
    written: list[Path] = []
    for cls in ALL_EVENTS:
        path = schema_path(cls, root)
        current = event_schema(cls)
        if path.exists():
            committed = json.loads(path.read_text())
            if committed == current:
                continue
            breaking = breaking_changes(committed, current)
            if breaking:
                raise ValueError(f"{cls.__name__}: incompatible change to v"
                                 f"{path.stem[1:]} ({'; '.join(breaking)}); bump "
                                 "schema_version instead of rewriting a published schema")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(current))
        written.append(path)
    return written
