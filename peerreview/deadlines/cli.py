"""``flask reminders send`` (hourly) and ``flask reminders digest`` (weekly), for cron."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

reminders_cli = AppGroup("reminders", help="Deadline reminders and the weekly digest (for cron).")

_today = click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                      help="Act as if today were YYYY-MM-DD (tests, catching up a missed day).")
_dry = click.option("--dry-run", is_flag=True, help="List what would be sent; send and record nothing.")


def _day(value) -> date:
    return value.date() if value else date.today()


@reminders_cli.command("send")
@_today
@_dry
def send(today, dry_run):
    """Send the reminders due today (7 days before, 1 day before, the day after). Each goes
    out once, however often this runs; safe every hour."""
    from peerreview.deadlines.reminders import STAGES, send_reminders

    day = _day(today)
    outcome = send_reminders(day, dry_run=dry_run)
    verb = "Would send" if dry_run else "Sent"
    for p in outcome.sent:
        click.echo(f"{verb}: {p.email} · {p.kind_label} · {p.subject} · due {p.due.isoformat()} "
                   f"({STAGES[p.stage]})")
    click.echo(f"{verb} {len(outcome.sent)} reminder(s) for {day.isoformat()}; "
               f"{outcome.already} sent before; {outcome.not_wanted} left to the weekly digest "
               f"or turned off.")


@reminders_cli.command("digest")
@_today
@_dry
def digest(today, dry_run):
    """Send the weekly digest: one e-mail per person with what they chose to get weekly. At
    most one per person and week, however often this runs."""
    from peerreview.deadlines.digest import send_digests, week_of

    day = _day(today)
    outcome = send_digests(day, dry_run=dry_run)
    verb = "Would send" if dry_run else "Sent"
    for d in outcome.sent:
        click.echo(f"{verb}: {d.email} · {len(d.items)} deadline(s), {len(d.held)} update(s)")
    click.echo(f"{verb} {len(outcome.sent)} digest(s) for the week of {week_of(day).isoformat()}; "
               f"{outcome.already} sent before.")
