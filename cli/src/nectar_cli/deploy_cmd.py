"""`nectar deploy`: the files deployment derives from the code, and the images to build."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Deployment: generated Kubernetes/NATS files, service images.",
                  no_args_is_help=True)

#: service -> (package, module); the port is each service's default (its settings)
IMAGES = {
    "telegram_edge": ("nectar-edge", "nectar_edge"),
    "memory": ("nectar-memory", "nectar_memory"),
    "llm": ("nectar-llm", "nectar_llm"),
    "media": ("nectar-media", "nectar_media"),
    "voice": ("nectar-voice", "nectar_voice"),
    "billing": ("nectar-billing", "nectar_billing"),
}


@app.command()
def render(
    check_only: Annotated[bool, typer.Option("--check", help="Compare, do not write.")] = False,
    nats_monitoring: Annotated[str | None, typer.Option(
        help="host:port of the NATS monitoring endpoint KEDA queries (default: the chart's "
        "headless Service in namespace `nectar`).")] = None,
) -> None:
    """Write what derives from the code: NATS permissions (deploy/nats/permissions.json and
    the Helm values), KEDA ScaledObjects (deploy/k8s/components/autoscaling)."""
    from nectar_cli import deploy_render

    files = deploy_render.render(nats_monitoring or deploy_render.NATS_MONITORING)
    stale = [path for path, text in files.items()
             if not path.exists() or path.read_text() != text]
    if check_only:
        for path in stale:
            typer.echo(f"{path.relative_to(deploy_render.REPO_ROOT)} is stale; run "
                       "`nectar deploy render`", err=True)
        if stale:
            raise typer.Exit(1)
        typer.echo("generated deployment files are up to date")
        return
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path])
        typer.echo(f"wrote {path.relative_to(deploy_render.REPO_ROOT)}")
    if not stale:
        typer.echo("generated deployment files are up to date")


@app.command()
def images(
    registry: Annotated[str, typer.Option(help="Image name prefix.")] = "nectar",
    tag: Annotated[str, typer.Option(help="Image tag.")] = "latest",
) -> None:
    """Print the `docker build` command of every service image (one Dockerfile, build args
    per service); the Kubernetes manifests name the same images."""
    from nectar_devstack.config import DEFAULT_SERVICE_PORTS

    for service, (package, module) in IMAGES.items():
        name = service.replace("_", "-")
        typer.echo(f"docker build -f deploy/Dockerfile -t {registry}/{name}:{tag} "
                   f"--build-arg PACKAGE={package} --build-arg MODULE={module} "
                   f"--build-arg PORT={DEFAULT_SERVICE_PORTS[service]} .")
