"""Graph validation the way ComfyUI's `execution.validate_prompt` does it.

Pure functions over the submitted prompt, the node catalogue and the inventory. The result
has the shape `POST /prompt` answers with: on failure a top-level `error` and per-node
`node_errors` (`{node_id: {errors: [...], dependent_outputs: [...], class_type}}`); on
success the output nodes to execute.

Rules kept from the real server:
- a node without `class_type`, or of an unknown class, stops validation at once with
  `missing_node_type` (and empty `node_errors`);
- a prompt without an output node is `prompt_no_outputs`;
- every output node is validated with everything upstream of it; a node's own input
  problems are reported on that node (downstream nodes fail without errors of their own);
- widget values are converted (`int()`, `float()`, `str()`) before the min/max and combo
  checks; a linked input must be `[node_id, slot]` pointing at an output whose type matches;
- if no output validates, the prompt fails with `prompt_outputs_failed_validation`; if some
  do, the prompt runs those and still reports the others' `node_errors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .nodes import Inventory, NodeClass

__all__ = ["Validation", "validate_prompt"]

Error = dict[str, Any]


@dataclass
class Validation:
    ok: bool
    error: Error | None = None
    outputs: list[str] = field(default_factory=list)
    node_errors: dict[str, Any] = field(default_factory=dict)


def _error(kind: str, message: str, details: str, **extra: Any) -> Error:
    return {"type": kind, "message": message, "details": details, "extra_info": extra}


def validate_prompt(
    prompt: Mapping[str, Any], catalogue: Mapping[str, NodeClass], inventory: Inventory
) -> Validation:
    """Validate an API-format prompt; see the module docstring for the rules."""
    outputs: list[str] = []
    for node_id, node in prompt.items():
        if not isinstance(node, Mapping) or "class_type" not in node:
            title = _title(node)
            return Validation(False, _error(
                "missing_node_type",
                f"Node '{title or f'ID #{node_id}'}' has no class_type. The workflow may be "
                "corrupted or a custom node is missing.",
                f"Node ID '#{node_id}'",
                node_id=node_id, class_type=None, node_title=title))
        class_type = node["class_type"]
        node_class = catalogue.get(class_type) if isinstance(class_type, str) else None
        if node_class is None:
            title = _title(node) or class_type
            return Validation(False, _error(
                "missing_node_type",
                f"Node '{title}' not found. The custom node may not be installed.",
                f"Node ID '#{node_id}'",
                node_id=node_id, class_type=class_type, node_title=title))
        if node_class.output_node:
            outputs.append(node_id)
    if not outputs:
        return Validation(False, _error("prompt_no_outputs", "Prompt has no outputs", ""))

    validator = _Validator(prompt, catalogue, inventory)
    good: list[str] = []
    failed: list[tuple[str, list[Error]]] = []
    node_errors: dict[str, Any] = {}
    for output in outputs:
        try:
            valid, reasons = validator.validate(output)
        except (KeyError, IndexError, TypeError, RecursionError) as exc:
            # The real server indexes the prompt with a link's node id and slot without
            # checking them first; a dangling link (or a cycle) surfaces as this exception.
            valid = False
            reasons = [_error("exception_during_validation", "Exception when validating node",
                              str(exc), exception_type=type(exc).__name__, traceback=[])]
            validator.validated[output] = (False, reasons)
        if valid:
            good.append(output)
            continue
        failed.append((output, reasons))
        for node_id, (node_valid, node_reasons) in validator.validated.items():
            if node_valid or not node_reasons:
                continue
            entry = node_errors.setdefault(node_id, {
                "errors": node_reasons,
                "dependent_outputs": [],
                "class_type": prompt[node_id]["class_type"],
            })
            entry["dependent_outputs"].append(output)
    if not good:
        details = "\n".join(
            f"{reason['message']}: {reason['details']}" for _, reasons in failed
            for reason in reasons)
        return Validation(False, _error("prompt_outputs_failed_validation",
                                        "Prompt outputs failed validation", details),
                          node_errors=node_errors)
    return Validation(True, None, good, node_errors)


def _title(node: Any) -> str | None:
    if isinstance(node, Mapping) and isinstance(node.get("_meta"), Mapping):
        title = node["_meta"].get("title")
        return title if isinstance(title, str) else None
    return None


def _types_match(received: str, expected: str) -> bool:
    # comfy_execution/validation.py: "*" matches anything; "A,B" lists alternatives.
    if received == "*" or expected == "*" or received == expected:
        return True
    return bool(set(received.split(",")) & set(expected.split(",")))


class _Validator:
    def __init__(
        self, prompt: Mapping[str, Any], catalogue: Mapping[str, NodeClass], inventory: Inventory
    ) -> None:
        self.prompt = prompt
        self.catalogue = catalogue
        self.inventory = inventory
        self.validated: dict[str, tuple[bool, list[Error]]] = {}

    def validate(self, node_id: str) -> tuple[bool, list[Error]]:
        if node_id in self.validated:
            return self.validated[node_id]
        node = self.prompt[node_id]
        node_class = self.catalogue[node["class_type"]]
        inputs = node.get("inputs") or {}
        if not isinstance(inputs, Mapping):
            inputs = {}
        types = node_class.input_types(self.inventory)
        errors: list[Error] = []
        valid = True
        for category in ("required", "optional"):
            for name, (kind, options) in types.get(category, {}).items():
                if name not in inputs:
                    if category == "required":
                        errors.append(_error("required_input_missing",
                                             "Required input is missing", name,
                                             input_name=name))
                    continue
                value = inputs[name]
                info = [kind, options]
                if isinstance(value, list):
                    upstream_ok, error = self._check_link(name, value, kind, info)
                    if error is not None:
                        errors.append(error)
                    elif not upstream_ok:
                        valid = False
                    continue
                error, converted = self._check_value(node_class, name, value, kind, options,
                                                     info)
                if error is not None:
                    errors.append(error)
                elif isinstance(inputs, dict):
                    inputs[name] = converted  # like the real server: execution sees it
        result = (not errors and valid, errors)
        self.validated[node_id] = result
        return result

    def _check_link(
        self, name: str, value: list[Any], kind: Any, info: list[Any]
    ) -> tuple[bool, Error | None]:
        if len(value) != 2:
            return False, _error(
                "bad_linked_input",
                "Bad linked input, must be a length-2 list of [node_id, slot_index]", name,
                input_name=name, input_config=info, received_value=value)
        source_id, slot = value
        source = self.prompt[source_id]  # KeyError for a link to a missing node
        received = self.catalogue[source["class_type"]].return_types[slot]
        if isinstance(kind, str) and not _types_match(received, kind):
            return False, _error(
                "return_type_mismatch", "Return type mismatch between linked nodes",
                f"{name}, received_type({received}) mismatch input_type({kind})",
                input_name=name, input_config=info, received_type=received,
                linked_node=value)
        upstream_valid, _ = self.validate(source_id)
        return upstream_valid, None

    def _check_value(
        self, node_class: NodeClass, name: str, value: Any, kind: Any,
        options: dict[str, Any], info: list[Any],
    ) -> tuple[Error | None, Any]:
        if isinstance(value, Mapping) and "__value__" in value:
            value = value["__value__"]
        try:
            if kind == "INT":
                value = int(value)
            elif kind == "FLOAT":
                value = float(value)
            elif kind == "STRING":
                value = str(value)
            elif kind == "BOOLEAN":
                value = bool(value)
        except (TypeError, ValueError, OverflowError) as exc:
            return _error("invalid_input_type",
                          f"Failed to convert an input value to a {kind} value",
                          f"{name}, {value}, {exc}", input_name=name, input_config=info,
                          received_value=value, exception_message=str(exc)), value
        if name in node_class.custom_validated:
            return self._custom(node_class, name, value), value
        return self._check_limits(name, value, kind, options, info), value

    def _check_limits(
        self, name: str, value: Any, kind: Any, options: dict[str, Any], info: list[Any]
    ) -> Error | None:
        if "min" in options and value < options["min"]:
            return _error("value_smaller_than_min",
                          f"Value {value} smaller than min of {options['min']}", name,
                          input_name=name, input_config=info, received_value=value)
        if "max" in options and value > options["max"]:
            return _error("value_bigger_than_max",
                          f"Value {value} bigger than max of {options['max']}", name,
                          input_name=name, input_config=info, received_value=value)
        if isinstance(kind, list) and value not in kind:
            # The real server leaves long lists (scanned model folders) out of the answer.
            listed = f"(list of length {len(kind)})" if len(kind) > 20 else str(kind)
            return _error("value_not_in_list", "Value not in list",
                          f"{name}: '{value}' not in {listed}", input_name=name,
                          input_config=None if len(kind) > 20 else info, received_value=value)
        return None

    def _custom(self, node_class: NodeClass, name: str, value: Any) -> Error | None:
        # LoadImage.VALIDATE_INPUTS accepts any existing input file, subfolders included
        # ("sub/x.png", "x.png [input]"); its failure is reported as custom_validation_failed.
        if node_class.name == "LoadImage":
            filename = str(value).removesuffix(" [input]")
            if filename not in self.inventory.input_files:
                return _error("custom_validation_failed", "Custom validation failed for node",
                              f"{name} - Invalid image file: {value}", input_name=name)
        return None
