"""ComfyUI emulator: the GPU timing model, execution order and cache keys, presets, render,
fault matching."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from nectar_emulators.comfyui.executor import execution_order, node_signatures
from nectar_emulators.comfyui.faults import FaultBook, FaultSpec
from nectar_emulators.comfyui.nodes import Inventory, PresetUnavailable, resolve_ipadapter_preset
from nectar_emulators.comfyui.render import ImageSpec, LoraUse, ReferenceUse, render_png
from nectar_emulators.comfyui.timing import GpuState, Timings
from nectar_emulators.comfyui.workflows import text_to_image
from PIL import Image

TIMINGS = Timings(checkpoint_load_s=6.0, lora_switch_s=1.5, ipadapter_load_s=2.0,
                  text_encode_s=0.0, step_s=0.1, vae_decode_s=0.0, time_scale=1.0)


def run_prompt(gpu: GpuState, ckpt: str, loras: list[str], steps: int = 10) -> float:
    """Model seconds of a prompt whose loaders all run (no node cache in this unit)."""
    gpu.start_prompt()
    total = gpu.run_node("CheckpointLoaderSimple", {"ckpt_name": ckpt}, TIMINGS).total_s
    for lora in loras:
        total += gpu.run_node("LoraLoader", {"lora_name": lora}, TIMINGS).total_s
    total += gpu.run_node("KSampler", {"steps": steps}, TIMINGS).total_s
    gpu.finish_prompt(success=True)
    return total


def test_first_prompt_pays_checkpoint_and_lora_then_the_same_lora_is_free() -> None:
    gpu = GpuState()

    first = run_prompt(gpu, "xl.safetensors", ["mira_v1"])
    again = run_prompt(gpu, "xl.safetensors", ["mira_v1"])

    assert first == pytest.approx(6.0 + 1.5 + 1.0)
    assert again == pytest.approx(1.0)
    assert gpu.checkpoint == "xl.safetensors"
    assert gpu.loras == {"mira_v1"}


def test_switching_lora_costs_the_switch_and_forgets_the_previous_one() -> None:
    gpu = GpuState()
    run_prompt(gpu, "xl", ["mira_v1"])

    switched = run_prompt(gpu, "xl", ["kai_v1"])
    back = run_prompt(gpu, "xl", ["mira_v1"])

    assert switched == pytest.approx(1.5 + 1.0)
    assert back == pytest.approx(1.5 + 1.0)
    assert gpu.loras == {"mira_v1"}


def test_another_checkpoint_costs_a_load_and_drops_the_loras() -> None:
    gpu = GpuState()
    run_prompt(gpu, "xl", ["mira_v1"])

    other = run_prompt(gpu, "other_xl", ["mira_v1"])

    assert other == pytest.approx(6.0 + 1.5 + 1.0)


def test_a_failed_prompt_keeps_what_it_loaded() -> None:
    gpu = GpuState()
    run_prompt(gpu, "xl", ["mira_v1"])
    gpu.start_prompt()
    gpu.run_node("LoraLoader", {"lora_name": "kai_v1"}, TIMINGS)
    gpu.finish_prompt(success=False)

    assert gpu.loras == {"mira_v1", "kai_v1"}


def test_sampling_is_steps_times_step_and_time_scale_only_scales_wall_time() -> None:
    cost = GpuState().run_node("KSampler", {"steps": 28}, TIMINGS)
    fast = Timings(step_s=0.1, time_scale=0.001)

    assert cost.steps == 28 and cost.total_s == pytest.approx(2.8)
    assert fast.wall(cost.total_s) == pytest.approx(0.0028)


def test_ipadapter_files_load_once() -> None:
    gpu = GpuState()
    files = ("ip-adapter-plus_sdxl_vit-h.safetensors", "CLIP-ViT-H.safetensors")

    first = gpu.run_node("IPAdapterUnifiedLoader", {}, TIMINGS, files)
    second = gpu.run_node("IPAdapterUnifiedLoader", {}, TIMINGS, files)

    assert (first.total_s, first.ipadapter_loads) == (4.0, 2)
    assert (second.total_s, second.ipadapter_loads) == (0.0, 0)
    gpu.unload()
    assert gpu.run_node("IPAdapterUnifiedLoader", {}, TIMINGS, files).ipadapter_loads == 2


def test_execution_order_runs_dependencies_first_and_skips_unused_nodes() -> None:
    graph = text_to_image(ipadapter="unified")
    graph["40"] = {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1], "text": "x"}}

    order = execution_order(graph, ["9"])

    assert "40" not in order
    assert order[-1] == "9"
    for node_id in order:
        for value in graph[node_id]["inputs"].values():
            if isinstance(value, list):
                assert order.index(value[0]) < order.index(node_id)


def test_signatures_change_downstream_of_a_change_only() -> None:
    one = node_signatures(text_to_image(seed=1))
    two = node_signatures(text_to_image(seed=2))
    other_lora = node_signatures(text_to_image(lora="character_kai_v1.safetensors"))

    assert one["4"] == two["4"] and one["10"] == two["10"] and one["6"] == two["6"]
    assert one["3"] != two["3"] and one["9"] != two["9"]
    assert one["4"] == other_lora["4"] and one["10"] != other_lora["10"]


def test_signatures_survive_a_cycle_in_a_refused_branch() -> None:
    graph = text_to_image()
    graph["20"] = {"class_type": "FreeU_V2", "inputs": {"model": ["21", 0]}}
    graph["21"] = {"class_type": "FreeU_V2", "inputs": {"model": ["20", 0]}}

    signatures = node_signatures(graph)

    assert signatures["3"] == node_signatures(text_to_image())["3"]
    assert signatures["20"] != signatures["21"]


def test_load_image_signature_follows_the_file_content() -> None:
    graph = text_to_image(ipadapter="unified")

    before = node_signatures(graph, {"reference.png": "aaa"})
    after = node_signatures(graph, {"reference.png": "bbb"})

    assert before["12"] != after["12"] and before["4"] == after["4"]


def test_unified_loader_resolves_sdxl_preset_files_like_the_extension() -> None:
    inventory = Inventory(models={
        "ipadapter": ["ip-adapter-plus_sdxl_vit-h.safetensors", "ip-adapter_sdxl_vit-h.safetensors"],
        "clip_vision": ["CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors"]})

    plus = resolve_ipadapter_preset("PLUS (high strength)", True, inventory)
    standard = resolve_ipadapter_preset("STANDARD (medium strength)", True, inventory)

    assert plus == ("ip-adapter-plus_sdxl_vit-h.safetensors",
                    "CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors")
    assert standard[0] == "ip-adapter_sdxl_vit-h.safetensors"
    with pytest.raises(PresetUnavailable, match="IPAdapter model not found"):
        resolve_ipadapter_preset("PLUS FACE (portraits)", True, inventory)
    with pytest.raises(PresetUnavailable, match="not supported for SDXL"):
        resolve_ipadapter_preset("LIGHT - SD1.5 only (low strength)", True, inventory)
    with pytest.raises(PresetUnavailable, match="ClipVision model not found"):
        resolve_ipadapter_preset("PLUS (high strength)", True, Inventory(models={}))


BASE = ImageSpec(
    worker="w1", checkpoint="sd_xl_base_1.0.safetensors",
    loras=(LoraUse("character_mira_v2.safetensors", 0.85, 0.85),),
    references=(ReferenceUse("scarf.png", 0.4, 0.0, 0.8, "ease in-out", "ipa"),),
    freeu=True, positive="Mira wearing the red scarf", negative="", seed=42, steps=28,
    cfg=5.5, sampler="euler", scheduler="karras", denoise=1.0, width=640, height=384)


def spec(**changes: object) -> ImageSpec:
    return replace(BASE, **changes)  # type: ignore[arg-type]


def test_render_is_a_png_of_the_requested_size_and_deterministic() -> None:
    data = render_png(spec(), {"3": {"class_type": "KSampler"}})

    image = Image.open(io.BytesIO(data))
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert image.size == (640, 384)
    assert render_png(spec(), {"3": {"class_type": "KSampler"}}) == data
    assert render_png(spec(seed=43)) != render_png(spec())
    assert '"KSampler"' in image.text["prompt"]


def test_render_names_what_was_asked() -> None:
    lines = "\n".join(spec().lines())

    for expected in ("character_mira_v2.safetensors @ 0.85", "scarf.png weight 0.4",
                     "end_at 0.8", "seed: 42", "worker: w1", "Mira wearing the red scarf",
                     "sd_xl_base_1.0.safetensors"):
        assert expected in lines
    tiny = Image.open(io.BytesIO(render_png(spec(width=16, height=16))))
    assert tiny.size == (16, 16)


def test_http_faults_match_with_or_without_api_prefix_and_are_used_up() -> None:
    book = FaultBook()
    book.add(FaultSpec(kind="http_error", route="/prompt", method="POST", times=2, status=503))
    book.add(FaultSpec(kind="http_error", route="/history/*", times=None))

    assert book.take_http("/prompt", "GET") is None
    assert book.take_http("/api/prompt", "POST").spec.status == 503
    assert book.take_http("/prompt", "POST") is not None
    assert book.take_http("/prompt", "POST") is None
    for _ in range(3):
        assert book.take_http("/api/history/abc", "GET") is not None
    assert book.take_http("/history", "GET") is None


def test_execution_faults_match_node_and_step() -> None:
    book = FaultBook()
    book.add(FaultSpec(kind="execution_error", node="KSampler", at_step=5))
    book.add(FaultSpec(kind="hang", node="8"))

    assert book.take_execution("3", "KSampler", None) is None
    assert book.take_execution("3", "KSampler", 4) is None
    assert book.take_execution("3", "KSampler", 5).spec.kind == "execution_error"
    assert book.take_execution("3", "KSampler", 5) is None
    assert book.take_execution("8", "VAEDecode", None).spec.kind == "hang"


def test_an_http_fault_needs_a_route() -> None:
    with pytest.raises(ValueError, match="route"):
        FaultSpec(kind="http_error")
