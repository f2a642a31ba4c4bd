"""``flask retention apply``: erase interviewees' details that are kept no longer."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from peerreview.extensions import db

retention_cli = AppGroup("retention", help="Erase personal data that is kept no longer.")


@retention_cli.command("apply")
@click.option("--dry-run", is_flag=True, help="Say what would be erased; change nothing.")
def retention_apply(dry_run: bool):
    """Erase interviewees' contact details (and names, unless they agreed to be named) once the
    retention time after issue has passed. Running it again changes nothing."""
    from peerreview.people import retention

    planned = retention.apply(dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "Would erase" if dry_run else "Erased"
    if not planned:
        click.echo("Nothing to erase: every interviewee's details are within the retention time "
                   f"({retention.retention_months()} months after issue) or already erased.")
        return
    for item in planned:
        click.echo(f"{verb} for {item.review_title} (issued {item.since.isoformat()}): "
                   f"contact details of {len(item.contacts)} interviewee(s), "
                   f"names of {len(item.names)} who did not agree to be named.")
    if dry_run:
        click.echo("Dry run: nothing was changed.")
