"""`nectar media ...`: the media registries (LoRA versions, IP-Adapter tuning, shop items),
shop previews and the projection's rebuild.

Every change is an event on the MEDIA stream. Where to publish and read comes from the
environment like the service's own settings (`NECTAR_NATS_URL`, `NECTAR_REDIS_URL`,
`NECTAR_S3_*`, `MEDIA_*`); what the environment does not set comes from the local stack's
file (`make up`), as for `nectar say`. Output is JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(help="Media: LoRA versions, IP-Adapter tuning, shop items, previews.",
                  no_args_is_help=True)
lora_app = typer.Typer(help="Character LoRA versions (keyed to their base model).",
                       no_args_is_help=True)
tuning_app = typer.Typer(help="IP-Adapter tuning per base model (weight, end_at, weight "
                         "type), versioned.", no_args_is_help=True)
items_app = typer.Typer(help="The shop catalog (a visual flag and a reference image).",
                        no_args_is_help=True)
app.add_typer(lora_app, name="lora")
app.add_typer(tuning_app, name="tuning")
app.add_typer(items_app, name="items")

Note = Annotated[str, typer.Option(help="Why (kept in the event).")]

#: settings read from the local stack when the environment does not give them
_FROM_STACK = ("NECTAR_NATS_URL", "NECTAR_REDIS_URL", "NECTAR_S3_URL",
               "NECTAR_S3_ACCESS_KEY_ID", "NECTAR_S3_SECRET_ACCESS_KEY")


def settings() -> Any:
    """`MediaSettings` from the environment, completed from the running local stack."""
    from nectar_media.settings import MediaSettings
    from nectar_runtime import InfraSettings
    from nectar_runtime.objectstore import S3Settings

    stack: dict[str, str] = {}
    try:
        from nectar_devstack.stack import Stack

        from nectar_cli.stackinfo import running_config

        config = running_config()
        if config.stack_json.exists():
            stack = Stack(config).env()
    except Exception:  # noqa: BLE001 - no local stack: the environment alone
        stack = {}
    value = {k: os.environ.get(k) or stack.get(k) for k in _FROM_STACK}
    infra = InfraSettings(**{k: v for k, v in {
        "nats_url": value["NECTAR_NATS_URL"], "redis_url": value["NECTAR_REDIS_URL"]}.items()
        if v})
    s3 = S3Settings(**{k: v for k, v in {
        "url": value["NECTAR_S3_URL"], "access_key_id": value["NECTAR_S3_ACCESS_KEY_ID"],
        "secret_access_key": value["NECTAR_S3_SECRET_ACCESS_KEY"]}.items() if v})
    return MediaSettings(infra=infra, s3=s3)


def _run(coro: Any) -> Any:
    from nectar_media.admin import AdminError
    from nectar_runtime import Unavailable

    try:
        return asyncio.run(coro)
    except AdminError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    except (Unavailable, OSError) as exc:
        typer.echo(f"error: {exc} (is the stack up? `make up`, `nectar status`)", err=True)
        raise typer.Exit(3) from exc
    except Exception as exc:
        if type(exc).__module__.startswith(("nats", "redis")):
            typer.echo(f"error: {type(exc).__name__}: {exc} (is the stack up? `make up`)",
                       err=True)
            raise typer.Exit(3) from exc
        raise


def _echo(obj: object) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, default=str))


def _events(events: Any) -> None:
    for event in events if isinstance(events, list) else [events]:
        _echo({"published": event.type, "event_id": str(event.event_id),
               **event.model_dump(mode="json", exclude={
                   "event_id", "type", "schema_version", "occurred_at", "correlation_id",
                   "causation_id", "user_id", "producer"})})


# --- lora -------------------------------------------------------------------------------

@lora_app.command("list")
def lora_list(character: Annotated[str | None, typer.Option(help="One character.")] = None,
              ) -> None:
    """Each character's versions, the active one, what a rollback would activate, and the
    activation log (JSON line per character)."""
    from nectar_media import admin

    for row in _run(admin.lora_list(settings(), character)):
        _echo(row)


@lora_app.command("add")
def lora_add(
    character: Annotated[str, typer.Option(help="Character id.")],
    base: Annotated[str, typer.Option(help="Checkpoint file the LoRA was trained on.")],
    file: Annotated[str, typer.Option(help="LoRA file name in the workers' models/loras.")],
    sha256: Annotated[str, typer.Option(help="SHA-256 of the LoRA file.")],
    strength: Annotated[float, typer.Option(min=0, max=2, help="LoRA strength.")] = 0.85,
    trigger: Annotated[list[str] | None, typer.Option(help="Trigger word (repeatable).")]
    = None,
    version: Annotated[int | None, typer.Option(min=1, help="Version number (default: "
                                                "the next one).")] = None,
    activate: Annotated[bool, typer.Option("--activate", help="Make it the active version "
                                           "now.")] = False,
    note: Note = "",
) -> None:
    """Register a LoRA version (versions are immutable); `--activate` renders with it from
    now on (and drops the previews of the old one from use)."""
    from nectar_media import admin

    _events(_run(admin.lora_add(settings(), character=character, base_model=base, file=file,
                                sha256=sha256, strength=strength,
                                trigger_words=tuple(trigger or ()), version=version,
                                activate=activate, note=note)))


@lora_app.command("activate")
def lora_activate(character: Annotated[str, typer.Option(help="Character id.")],
                  version: Annotated[int, typer.Option(min=1, help="Version to activate.")],
                  note: Note = "") -> None:
    """Render the character with a registered version from now on."""
    from nectar_media import admin

    _events(_run(admin.lora_activate(settings(), character, version, note)))


@lora_app.command("rollback")
def lora_rollback(character: Annotated[str, typer.Option(help="Character id.")],
                  note: Note = "") -> None:
    """Go back to the version that was active before the current one."""
    from nectar_media import admin

    _events(_run(admin.lora_rollback(settings(), character, note)))


# --- tuning -----------------------------------------------------------------------------

@tuning_app.command("list")
def tuning_list(base: Annotated[str | None, typer.Option(help="One base model.")] = None,
                ) -> None:
    """Each base model's tuning versions and the active one (version 0: the built-in
    default, weight 0.4, end_at 0.8)."""
    from nectar_media import admin

    for row in _run(admin.tuning_list(settings(), base)):
        _echo(row)


@tuning_app.command("set")
def tuning_set(
    base: Annotated[str, typer.Option(help="Checkpoint file the tuning is for.")],
    weight: Annotated[float, typer.Option(min=0, max=1, help="IP-Adapter weight: the lower "
                                          "half of 0-1 keeps the face.")],
    end_at: Annotated[float, typer.Option(min=0.05, max=1, help="When IP-Adapter lets go: "
                                          "0.7-0.9 leaves the last steps to the LoRA.")],
    weight_type: Annotated[str, typer.Option(help="IP-Adapter weight schedule.")]
    = "ease in-out",
    preset: Annotated[str, typer.Option(help="IPAdapterUnifiedLoader preset.")]
    = "PLUS (high strength)",
    no_activate: Annotated[bool, typer.Option("--no-activate", help="Register only.")]
    = False,
    note: Note = "",
) -> None:
    """Register the next tuning version of a base model and activate it (previews drawn
    with the old one are no longer used). Sweep in 0.05 steps; warnings say where a value
    leaves the seed's ranges."""
    from nectar_media import admin

    for warning in admin.tuning_warnings(weight, end_at):
        typer.echo(f"warning: {warning}", err=True)
    _events(_run(admin.tuning_add(settings(), base_model=base, weight=weight, end_at=end_at,
                                  weight_type=weight_type, preset=preset,
                                  activate=not no_activate, note=note)))


@tuning_app.command("activate")
def tuning_activate(base: Annotated[str, typer.Option(help="Checkpoint file.")],
                    version: Annotated[int, typer.Option(min=1, help="Version.")],
                    note: Note = "") -> None:
    """Use a registered tuning version for the base model from now on."""
    from nectar_media import admin

    _events(_run(admin.tuning_activate(settings(), base, version, note)))


@tuning_app.command("rollback")
def tuning_rollback(base: Annotated[str, typer.Option(help="Checkpoint file.")],
                    note: Note = "") -> None:
    """Go back to the tuning that was active before the current one."""
    from nectar_media import admin

    _events(_run(admin.tuning_rollback(settings(), base, note)))


# --- items ------------------------------------------------------------------------------

@items_app.command("list")
def items_list() -> None:
    """Every shop item (JSON line each)."""
    from nectar_media import admin

    for row in _run(admin.items_list(settings())):
        _echo(row)


@items_app.command("add")
def items_add(
    item_id: Annotated[str, typer.Option("--id", help="Item id: a-z, 0-9, _ and -.")],
    title: Annotated[str, typer.Option(help="Name shown in the shop.")],
    visual: Annotated[bool, typer.Option("--visual/--not-visual", help="Whether it can be "
                                         "drawn on a character.")],
    reference: Annotated[Path | None, typer.Option(help="Reference image (visual items): a "
                                                   "clean product shot, PNG/JPEG/WebP, at "
                                                   "most 10 MB.", exists=True,
                                                   dir_okay=False)] = None,
    hint: Annotated[str, typer.Option(help="Words added to the prompt, e.g. 'wearing a red "
                                      "dress'.")] = "",
) -> None:
    """Add or change a shop item (its reference image goes to media's bucket)."""
    from nectar_media import admin

    _events(_run(admin.items_add(settings(), item_id=item_id, title=title, visual=visual,
                                 reference=reference, prompt_hint=hint)))


@items_app.command("remove")
def items_remove(item_id: Annotated[str, typer.Option("--id", help="Item id.")]) -> None:
    """Withdraw a shop item."""
    from nectar_media import admin

    _events(_run(admin.items_remove(settings(), item_id)))


# --- previews and rebuild ---------------------------------------------------------------

@app.command()
def prerender(
    character: Annotated[str, typer.Option(help="Character whose previews to render.")],
    timeout: Annotated[float, typer.Option(help="Seconds to wait for all of them.")] = 600,
) -> None:
    """Render a preview of every visual shop item on CHARACTER (with its active LoRA and
    tuning versions), showing a progress bar; previews already in the cache come back at
    once. Prints one JSON line per item; exits 1 when one failed."""
    from nectar_media import admin

    conf = settings()
    results: list[Any] = []
    count = [0]

    async def go() -> list[Any]:
        async with admin.session(conf) as (deps, _):
            count[0] = len([i for i in await deps.registry.items() if i.visual])
        with typer.progressbar(length=max(count[0], 1), label=f"previews of {character}",
                               file=sys.stderr) as bar:
            def done(result: Any) -> None:
                results.append(result)
                bar.update(1)

            return await admin.prerender(conf, character, timeout_s=timeout, on_done=done)

    for result in _run(go()):
        _echo({"item": result.item_id, "outcome": result.outcome, "detail": result.detail})
    if any(r.outcome not in ("ready", "cached") for r in results):
        raise typer.Exit(1)


@app.command()
def rebuild(apply: Annotated[bool, typer.Option("--apply", help="Do it (default: count the "
                                                "events only).")] = False) -> None:
    """Rebuild the registries' projection (Redis) from the MEDIA stream: wipe it, then
    replay every registry event. A dry run by default."""
    from nectar_media import admin

    report = _run(admin.rebuild(settings(), apply))
    _echo(report)
    if not apply:
        typer.echo("dry run: nothing changed; add --apply to rebuild", err=True)
