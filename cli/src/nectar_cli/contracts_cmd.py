"""`nectar contracts`: export and check event schemas and AsyncAPI documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from nectar_contracts.compat import SCHEMAS_DIR, check_all, export_all

app = typer.Typer(help="Event schemas (JSON Schema) and AsyncAPI documents.",
                  no_args_is_help=True)

ASYNCAPI_DIR = SCHEMAS_DIR.parent.parent / "docs" / "asyncapi"


@app.command()
def export() -> None:
    """Write JSON Schemas of every event to contracts/schemas (refuses incompatible
    rewrites of a published version: bump schema_version instead)."""
    try:
        written = export_all()
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(f"{len(written)} schema(s) written" if written else "schemas are up to date")


@app.command()
def check() -> None:
    """Fail if models and committed schemas differ (and say whether it is breaking)."""
    problems = check_all()
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo("schemas match the models")


@app.command()
def asyncapi(
    out: Annotated[Path, typer.Option(help="Directory for <service>.json.")] = ASYNCAPI_DIR,
    check_only: Annotated[bool, typer.Option("--check", help="Compare, do not write.")] = False,
) -> None:
    """Generate each service's AsyncAPI document with FastStream."""
    from nectar_cli.asyncapi_docs import documents

    stale = []
    for service, doc in documents().items():
        path = out / f"{service}.json"
        text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
        if check_only:
            if not path.exists() or path.read_text() != text:
                stale.append(service)
            continue
        out.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        typer.echo(f"wrote {path}")
    if stale:
        typer.echo(f"stale AsyncAPI documents: {', '.join(stale)}; run "
                   "`nectar contracts asyncapi`", err=True)
        raise typer.Exit(1)
