"""ComfyUI emulator: graph validation answers like ComfyUI's validate_prompt."""

from __future__ import annotations

import copy

from nectar_emulators.comfyui.nodes import NODE_CLASSES, Inventory, node_info
from nectar_emulators.comfyui.validation import validate_prompt
from nectar_emulators.comfyui.workflows import text_to_image


def inventory(**extra: list[str]) -> Inventory:
    models = {
        "checkpoints": ["sd_xl_base_1.0.safetensors"],
        "loras": ["character_mira_v1.safetensors", "character_kai_v2.safetensors"],
        "ipadapter": ["ip-adapter-plus_sdxl_vit-h.safetensors"],
        "clip_vision": ["CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors"],
    }
    models.update(extra)
    return Inventory(models=models, input_files={"reference.png", "refs/face.png"})


def validate(graph: dict) -> object:
    return validate_prompt(graph, NODE_CLASSES, inventory())


def test_the_companion_graph_validates_with_savimage_as_its_output() -> None:
    result = validate(text_to_image(ipadapter="unified"))

    assert result.ok
    assert result.outputs == ["9"]
    assert result.node_errors == {}


def test_an_uninstalled_lora_is_value_not_in_list_on_the_lora_node() -> None:
    result = validate(text_to_image(lora="character_luna_v9.safetensors"))

    assert not result.ok
    assert result.error["type"] == "prompt_outputs_failed_validation"
    entry = result.node_errors["10"]
    assert entry["class_type"] == "LoraLoader"
    assert entry["dependent_outputs"] == ["9"]
    [error] = entry["errors"]
    assert error["type"] == "value_not_in_list"
    assert error["extra_info"]["input_name"] == "lora_name"
    assert error["extra_info"]["received_value"] == "character_luna_v9.safetensors"
    assert "character_luna_v9.safetensors" in error["details"]
    # Downstream nodes fail too, but only the node at fault carries errors.
    assert set(result.node_errors) == {"10"}


def test_an_unknown_node_class_stops_at_once_with_missing_node_type() -> None:
    graph = text_to_image()
    graph["20"] = {"class_type": "FaceDetailer", "inputs": {}, "_meta": {"title": "Detailer"}}

    result = validate(graph)

    assert not result.ok
    assert result.error["type"] == "missing_node_type"
    assert "Detailer" in result.error["message"]
    assert result.error["extra_info"]["class_type"] == "FaceDetailer"
    assert result.error["details"] == "Node ID '#20'"
    assert result.node_errors == {}


def test_a_node_without_class_type_is_missing_node_type() -> None:
    graph = text_to_image()
    graph["20"] = {"inputs": {}}

    result = validate(graph)

    assert result.error["type"] == "missing_node_type"
    assert result.error["extra_info"]["class_type"] is None


def test_a_graph_without_an_output_node_has_no_outputs() -> None:
    graph = text_to_image()
    del graph["9"]

    result = validate(graph)

    assert result.error["type"] == "prompt_no_outputs"


def test_a_missing_required_input_is_reported() -> None:
    graph = text_to_image()
    del graph["3"]["inputs"]["cfg"]

    result = validate(graph)

    [error] = result.node_errors["3"]["errors"]
    assert error["type"] == "required_input_missing"
    assert error["extra_info"]["input_name"] == "cfg"


def test_a_link_of_the_wrong_type_is_a_return_type_mismatch() -> None:
    graph = text_to_image()
    graph["3"]["inputs"]["positive"] = ["4", 0]  # MODEL into CONDITIONING

    result = validate(graph)

    [error] = result.node_errors["3"]["errors"]
    assert error["type"] == "return_type_mismatch"
    assert error["extra_info"]["received_type"] == "MODEL"


def test_limits_and_conversions_follow_the_widget_definitions() -> None:
    graph = text_to_image()
    graph["3"]["inputs"]["steps"] = 20000
    graph["3"]["inputs"]["cfg"] = "lots"
    graph["5"]["inputs"]["width"] = 8

    result = validate(graph)

    kinds = {e["extra_info"]["input_name"]: e["type"]
             for node in result.node_errors.values() for e in node["errors"]}
    assert kinds == {"steps": "value_bigger_than_max", "cfg": "invalid_input_type",
                     "width": "value_smaller_than_min"}


def test_widget_values_are_converted_in_the_queued_prompt() -> None:
    graph = text_to_image()
    graph["3"]["inputs"]["steps"] = "30"
    graph["3"]["inputs"]["seed"] = 7.0

    assert validate(graph).ok
    assert graph["3"]["inputs"]["steps"] == 30
    assert graph["3"]["inputs"]["seed"] == 7


def test_a_link_to_a_node_that_does_not_exist_is_an_exception_during_validation() -> None:
    graph = text_to_image()
    graph["3"]["inputs"]["latent_image"] = ["99", 0]

    result = validate(graph)

    assert not result.ok
    [error] = result.node_errors["9"]["errors"]
    assert error["type"] == "exception_during_validation"
    assert "99" in error["details"]


def test_load_image_accepts_any_uploaded_file_and_rejects_others() -> None:
    ok = text_to_image(ipadapter="unified", reference_image="refs/face.png")
    missing = text_to_image(ipadapter="unified", reference_image="nope.png")

    assert validate(ok).ok
    [error] = validate(missing).node_errors["12"]["errors"]
    assert error["type"] == "custom_validation_failed"
    assert "Invalid image file: nope.png" in error["details"]


def test_one_good_output_runs_while_the_bad_one_is_reported() -> None:
    graph = text_to_image()
    graph["30"] = {"class_type": "SaveImage",
                   "inputs": {"images": ["31", 0], "filename_prefix": "broken"}}
    graph["31"] = {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 0]}}

    result = validate(graph)

    assert result.ok
    assert result.outputs == ["9"]
    assert result.node_errors["31"]["errors"][0]["type"] == "return_type_mismatch"
    assert result.node_errors["31"]["dependent_outputs"] == ["30"]


def test_long_model_lists_are_left_out_of_the_error() -> None:
    many = [f"character_x{i}_v1.safetensors" for i in range(25)]
    graph = text_to_image(lora="missing.safetensors")

    result = validate_prompt(graph, NODE_CLASSES, inventory(loras=many))

    [error] = result.node_errors["10"]["errors"]
    assert "(list of length 25)" in error["details"]
    assert error["extra_info"]["input_config"] is None


def test_object_info_combos_list_the_installed_files() -> None:
    inv = inventory()
    before = node_info(NODE_CLASSES["LoraLoader"], inv)
    inv.models["loras"] = ["character_new_v1.safetensors"]
    after = node_info(NODE_CLASSES["LoraLoader"], inv)

    assert before["input"]["required"]["lora_name"][0] == [
        "character_kai_v2.safetensors", "character_mira_v1.safetensors"]
    assert after["input"]["required"]["lora_name"][0] == ["character_new_v1.safetensors"]
    assert after["output"] == ["MODEL", "CLIP"]
    load_image = node_info(NODE_CLASSES["LoadImage"], inv)
    assert load_image["input"]["required"]["image"][0] == ["reference.png"]  # top level only


def test_validation_does_not_depend_on_node_order() -> None:
    graph = text_to_image(ipadapter="model_loader")
    reversed_graph = dict(reversed(list(copy.deepcopy(graph).items())))

    assert validate(graph).ok
    assert validate(reversed_graph).ok


def test_a_cycle_is_refused_not_crashed_on() -> None:
    graph = text_to_image(lora=None, freeu=False)
    graph["3"]["inputs"]["latent_image"] = ["8", 0]  # IMAGE into LATENT, and a loop
    graph["8"]["inputs"]["samples"] = ["3", 0]
    graph["3"]["inputs"]["latent_image"] = ["3", 0]

    result = validate(graph)

    assert not result.ok
    assert result.error["type"] == "prompt_outputs_failed_validation"
