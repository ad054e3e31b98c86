"""The committed JSON Schemas are the contract between services: models may not drift from
them, and an incompatible change needs a schema_version bump."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import ClassVar, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from nectar_contracts import ALL_EVENTS, TurnReceived
from nectar_contracts.compat import (
    SCHEMAS_DIR,
    breaking_changes,
    check_all,
    event_schema,
    export_all,
    schema_path,
)


def test_committed_schemas_match_the_models() -> None:
    assert check_all() == [], "run `nectar contracts export` (or bump schema_version)"


def test_every_event_has_a_committed_schema_with_subject_and_stream() -> None:
    for cls in ALL_EVENTS:
        schema = json.loads(schema_path(cls).read_text())
        assert schema["x-stream"] == cls.stream
        assert schema["x-subject"].startswith("nectar.")
        assert schema["additionalProperties"] is False
        # every field is described, so the schema documents itself
        missing = [name for name, prop in schema["properties"].items()
                   if "description" not in prop]
        assert not missing, f"{cls.__name__} fields without description: {missing}"


class _V1(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["a", "b"]
    name: str
    count: int
    note: str | None = None


class _FieldRemoved(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["a", "b"]
    count: int
    note: str | None = None


class _FieldRenamed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["a", "b"]
    full_name: str
    count: int
    note: str | None = None


class _TypeChanged(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["a", "b"]
    name: str
    count: str
    note: str | None = None


class _NewRequired(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["a", "b"]
    name: str
    count: int
    note: str | None = None
    region: str


class _EnumNarrowed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["a"]
    name: str
    count: int
    note: str | None = None


class _NewOptionalAndWiderEnum(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["a", "b", "c"]
    name: str = Field(description="now described")
    count: int
    note: str | None = None
    region: str | None = None


@pytest.mark.parametrize(("new", "expected"), [
    (_FieldRemoved, "name: field removed or renamed"),
    (_FieldRenamed, "name: field removed or renamed"),
    (_TypeChanged, "count: type changed"),
    (_NewRequired, "region: new required field"),
    (_EnumNarrowed, "kind: type changed"),
])
def test_incompatible_changes_are_detected(new: type[BaseModel], expected: str) -> None:
    problems = breaking_changes(_V1.model_json_schema(), new.model_json_schema())
    assert any(expected in p for p in problems), problems


def test_compatible_changes_pass() -> None:
    assert breaking_changes(_V1.model_json_schema(),
                            _NewOptionalAndWiderEnum.model_json_schema()) == []


def test_an_incompatible_change_to_a_real_event_fails_the_check(tmp_path: Path,
                                                                monkeypatch) -> None:
    root = tmp_path / "schemas"
    shutil.copytree(SCHEMAS_DIR, root)

    class TurnReceivedWithoutText(TurnReceived):  # type: ignore[misc]
        subject_template: ClassVar[str] = TurnReceived.subject_template
        text: str | None = Field(default=None, description="no longer required, now nullable")
        tone: str = Field(description="a new required field")

    # The model changed but kept schema_version 1: the committed v1 must flag it.
    schema = event_schema(TurnReceivedWithoutText)
    committed = json.loads(schema_path(TurnReceived, root).read_text())
    problems = breaking_changes(committed, schema)
    assert any("tone: new required field" in p for p in problems)

    # Exporting over the published v1 is refused.
    import nectar_contracts.compat as compat

    patched = tuple(TurnReceivedWithoutText if c is TurnReceived else c for c in ALL_EVENTS)
    monkeypatch.setattr(compat, "ALL_EVENTS", patched)
    assert any("incompatible change without a schema_version bump" in p
               for p in compat.check_all(root))
    with pytest.raises(ValueError, match="bump schema_version"):
        export_all(root)
