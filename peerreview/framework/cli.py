"""``flask framework export|import``: thin wrappers around framework.io."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from peerreview.cli import fail
from peerreview.domain import DomainError
from peerreview.extensions import db

framework_cli = AppGroup("framework", help="Themes and benchmarks: import and export.")


@framework_cli.command("export")
@click.argument("file")
@click.option("--theme", "slugs", multiple=True, help="Only this theme (its slug); repeatable.")
@click.option("--published-only", is_flag=True, help="Leave out drafts.")
def export_command(file, slugs, published_only):
    """Write the framework to FILE (.json, .yaml or .yml); all themes and versions by default."""
    from peerreview.framework import io

    try:
        kind = io.file_kind(file)
        data = io.export_framework(slugs=list(slugs) or None, published_only=published_only)
        unknown = sorted(set(slugs) - {t["slug"] for t in data["themes"]})
        if unknown:
            raise DomainError(f"Unknown theme {unknown[0]!r}.")
        Path(file).write_text(io.dump(data, kind), encoding="utf-8")
    except DomainError as exc:
        fail(exc.message)
    except OSError as exc:
        fail(f"{file}: cannot be written ({exc.strerror}).")
    versions = sum(len(t["benchmarks"]) for t in data["themes"])
    click.echo(f"Exported {len(data['themes'])} theme(s) and {versions} benchmark version(s) "
               f"to {file}.")


@framework_cli.command("import")
@click.argument("file")
def import_command(file):
    """Load FILE (.json, .yaml or .yml; "default" for the framework shipped with peerreview).

    Everything or nothing: a file with any problem changes nothing. Versions that are already
    here identically are skipped; a different content for an existing version is refused.
    """
    from peerreview.framework import io

    path = io.DEFAULT_FILE if file == "default" else Path(file)
    try:
        result = io.import_framework(io.read_file(path), source=str(file))
    except DomainError as exc:
        fail(exc.message)
    db.session.commit()
    click.echo(result.summary())
