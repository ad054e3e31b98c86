"""The ComfyUI graph of a job: golden files, the node order the seed asks for, the
CLIP-Vision model actually wired, and ComfyUI's own validation rules (the emulator's copy of
`execution.validate_prompt`) on the graph we send.

Regenerate the golden files after a deliberate change with
`NECTAR_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/media/test_media_workflow.py`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from nectar_emulators.comfyui.nodes import NODE_CLASSES, Inventory
from nectar_emulators.comfyui.settings import ComfyUIEmulatorSettings
from nectar_emulators.comfyui.validation import validate_prompt
from nectar_media.domain import ImageSize, LoraVersion, Tuning
from nectar_media.domain.workflow import (
    IPADAPTER,
    SAMPLER,
    SamplerSettings,
    build_workflow,
    percent_of,
    stage_of,
)

GOLDEN = Path(__file__).parent / "golden"
LORA = LoraVersion("mira", 2, "sd_xl_base_1.0.safetensors", "character_mira_v2.safetensors",
                   "0" * 64, 0.85, ("mira",))
TUNING = Tuning("sd_xl_base_1.0.safetensors", 3, weight=0.35, end_at=0.75)


def _chat() -> dict[str, Any]:
    return build_workflow(LORA, None, "mira, at the beach", None, 1234, ImageSize(832, 1216))


def _item() -> dict[str, Any]:
    return build_workflow(LORA, TUNING, "mira, at a party, wearing a red dress",
                          "nectar_ref_abc.png", 99, ImageSize(1024, 1024),
                          filename_prefix="nectar/job")


@pytest.mark.parametrize(("name", "graph"), [("chat", _chat), ("item", _item)])
def test_the_graph_matches_its_golden_file(name: str, graph: Any) -> None:
    path = GOLDEN / f"workflow_{name}.json"
    text = json.dumps(graph(), indent=2, sort_keys=True) + "\n"
    if os.environ.get("NECTAR_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text(), f"{path.name} changed: review, then regenerate"


def _upstream(graph: dict[str, Any], node: str, input_name: str = "model") -> list[str]:
    """The chain of nodes feeding `node`'s `input_name`, nearest first."""
    chain = []
    link = graph[node]["inputs"].get(input_name)
    while isinstance(link, list):
        chain.append(graph[link[0]]["class_type"])
        link = graph[link[0]]["inputs"].get("model")
    return chain


def test_the_model_path_is_checkpoint_lora_freeu_ipadapter_ksampler() -> None:
    graph = _item()
    assert _upstream(graph, SAMPLER) == ["IPAdapterAdvanced", "IPAdapterUnifiedLoader",
                                         "FreeU_V2", "LoraLoader", "CheckpointLoaderSimple"]
    advanced = graph[IPADAPTER]["inputs"]
    assert (advanced["weight"], advanced["end_at"], advanced["weight_type"]) == (
        0.35, 0.75, "ease in-out")
    # the unified loader brings the CLIP-Vision model: IPAdapterAdvanced gets its pair
    loader = advanced["ipadapter"][0]
    assert graph[loader]["class_type"] == "IPAdapterUnifiedLoader"
    assert advanced["model"][0] == loader
    assert graph[advanced["image"][0]]["inputs"]["image"] == "nectar_ref_abc.png"


def test_without_an_item_there_is_no_ipadapter_node() -> None:
    graph = _chat()
    classes = {node["class_type"] for node in graph.values()}
    assert not {c for c in classes if "IPAdapter" in c or c in ("LoadImage", "CLIPVision")}
    assert _upstream(graph, SAMPLER) == ["FreeU_V2", "LoraLoader", "CheckpointLoaderSimple"]


def test_the_prompts_are_encoded_with_the_lora_patched_clip() -> None:
    graph = _chat()
    for node in graph.values():
        if node["class_type"] == "CLIPTextEncode":
            assert graph[node["inputs"]["clip"][0]]["class_type"] == "LoraLoader"


def test_a_reference_needs_a_tuning_and_the_other_way_round() -> None:
    with pytest.raises(ValueError):
        build_workflow(LORA, TUNING, "p", None, 1, ImageSize(512, 512))
    with pytest.raises(ValueError):
        build_workflow(LORA, None, "p", "ref.png", 1, ImageSize(512, 512))


@pytest.mark.parametrize("graph", [_chat, _item])
def test_comfyui_accepts_the_graph(graph: Any) -> None:
    inventory = _inventory()
    inventory.input_files.add("nectar_ref_abc.png")
    result = validate_prompt(graph(), NODE_CLASSES, inventory)
    assert result.ok, (result.error, result.node_errors)


def _inventory() -> Inventory:
    settings = ComfyUIEmulatorSettings()
    return Inventory(models={"checkpoints": list(settings.checkpoints),
                             "loras": list(settings.loras),
                             "ipadapter": list(settings.ipadapter),
                             "clip_vision": list(settings.clip_vision)},
                     input_files=set())


def test_a_lora_the_worker_lacks_fails_validation_as_value_not_in_list() -> None:
    graph = build_workflow(LoraVersion("x", 1, "sd_xl_base_1.0.safetensors",
                                       "not_installed.safetensors", "0" * 64), None, "p",
                           None, 1, ImageSize(512, 512))
    result = validate_prompt(graph, NODE_CLASSES, _inventory())
    assert not result.ok
    errors = [e for node in result.node_errors.values() for e in node["errors"]]
    assert {e["type"] for e in errors} == {"value_not_in_list"}


def test_steps_come_from_the_sampler_settings() -> None:
    graph = build_workflow(LORA, None, "p", None, 1, ImageSize(512, 512),
                           sampler=SamplerSettings(steps=8))
    assert graph[SAMPLER]["inputs"]["steps"] == 8


def test_stages_and_percentages_follow_the_running_node() -> None:
    graph = _item()
    assert [stage_of(graph, n) for n in ("1", "2", "6", SAMPLER, "11", "12", None, "99")] == [
        "loading", "loading", "loading", "sampling", "decoding", "saving", None, None]
    assert [percent_of("sampling", s, 28) for s in (0, 14, 28)] == [10, 50, 90]
    assert percent_of("queued") == 0 < percent_of("loading") < percent_of("sampling", 1, 28)
    assert percent_of("decoding") < percent_of("saving") < 100
