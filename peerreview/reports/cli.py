"""``flask report render REVIEW_ID -o FILE.pdf``: the issued report (its stored bytes, never
rendered again) or, with --draft or before issue, the current draft."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from peerreview.extensions import db

report_cli = AppGroup("report", help="Feedback reports.")


def _fail(message: str) -> None:
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@report_cli.command("render")
@click.argument("review_id", type=int)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF.")
@click.option("--draft", is_flag=True, help="Render the current draft even if the report is issued.")
@click.option("--version", "number", type=int, default=None, help="An earlier issued version.")
def render(review_id: int, output: Path, draft: bool, number: int | None):
    """Write the report of a review as PDF."""
    from peerreview.reports import document, issuing, pdf
    from peerreview.reports import services as drafting
    from peerreview.reviews.models import Review

    review = db.session.get(Review, review_id)
    if review is None:
        _fail(f"There is no review {review_id}.")
    report = review.report
    versions = report.versions if report is not None else []
    if versions and not draft:
        version = next((v for v in versions if v.number == number), None) if number else versions[-1]
        if version is None:
            _fail(f"Review {review_id} has no version {number}; it has "
                  f"{', '.join(str(v.number) for v in versions)}.")
        output.write_bytes(issuing.read_version(version))
        click.echo(f"Wrote issued version {version.number} of {review.title} "
                   f"({version.pages} pages, sha256 {version.sha256}) to {output}.")
        return
    if number:
        _fail(f"Review {review_id} has no issued version yet.")
    if review.state not in ("reporting", "issued", "follow_up", "closed"):
        _fail(f"{review.title} has no report yet: the review is in state {review.state!r}.")
    if report is None:
        drafting.get_or_create(review)
    html = document.render_html(review, mode="pdf")
    db.session.rollback()  # nothing of the draft's rows is kept by a command that only reads
    try:
        rendered = pdf.render_pdf(html)
    except pdf.RenderError as exc:
        _fail(exc.message)
    output.write_bytes(rendered.data)
    click.echo(f"Wrote the draft of {review.title} ({rendered.pages} pages, "
               f"{rendered.seconds:.1f} s) to {output}.")
