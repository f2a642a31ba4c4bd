"""``flask reminders send`` (hourly) and ``flask reminders digest`` (weekly), for cron."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import AppGroup

reminders_cli = AppGroup("reminders", help="Deadline reminders and the weekly digest (for cron).")

_today = click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                      help="Act as if today were YYYY-MM-DD (tests, catching up a missed day).")
_dry = click.option("--dry-run", is_flag=True, help="List what would be sent; send and record nothing.")


def _day(value) -> date:
    return value.date() if value else date.today()


def _failure_line(what: str, failed) -> str:
    if failed.given_up:
        later = f"given up after {failed.attempts} attempt(s)"
    else:
        later = (f"attempt {failed.attempts}; tried again from "
                 f"{failed.next_attempt_at:%Y-%m-%d %H:%M} UTC on")
    return f"Not sent: {what}: {failed.error} ({later})"


def _report_delivery(outcome, noun: str) -> None:
    """The lines about what did not go out, and the exit status: 1 if anything failed."""
    if outcome.waiting:
        click.echo(f"{len(outcome.waiting)} {noun}(s) wait in the outbox for their next attempt.")
    if outcome.other_sent:
        click.echo(f"Also sent {outcome.other_sent} other message(s) that were waiting in the outbox.")
    for failed in outcome.other_failed:
        click.echo(_failure_line(f"{failed.to} · {failed.subject}", failed), err=True)
    problems = len(outcome.failed) + len(outcome.other_failed)
    if problems:
        retried = sum(1 for _, f in outcome.failed if not f.given_up) + sum(
            1 for f in outcome.other_failed if not f.given_up)
        click.echo(f"Could not send {problems} message(s); {retried} stay in the outbox and are "
                   f"tried again by the next run.", err=True)
        sys.exit(1)


@reminders_cli.command("send")
@_today
@_dry
def send(today, dry_run):
    """Send the reminders due today (7 days before, 1 day before, the day after), and whatever
    else waits in the mail outbox. Each goes out once, however often this runs; safe every
    hour. Exit status 1 if a message could not be sent (it is tried again by the next run)."""
    from peerreview.deadlines.reminders import STAGES, send_reminders

    day = _day(today)
    outcome = send_reminders(day, dry_run=dry_run)
    verb = "Would send" if dry_run else "Sent"

    def describe(p):
        return (f"{p.email} · {p.kind_label} · {p.subject} · due {p.due.isoformat()} "
                f"({STAGES[p.stage]})")

    for p in outcome.sent:
        click.echo(f"{verb}: {describe(p)}")
    for p, failed in outcome.failed:
        click.echo(_failure_line(describe(p), failed), err=True)
    click.echo(f"{verb} {len(outcome.sent)} reminder(s) for {day.isoformat()}; "
               f"{outcome.already} sent before; {outcome.not_wanted} left to the weekly digest "
               f"or turned off.")
    _report_delivery(outcome, "reminder")


@reminders_cli.command("digest")
@_today
@_dry
def digest(today, dry_run):
    """Send the weekly digest: one e-mail per person with what they chose to get weekly. At
    most one per person and week, however often this runs. Exit status 1 if a message could
    not be sent."""
    from peerreview.deadlines.digest import send_digests, week_of

    day = _day(today)
    outcome = send_digests(day, dry_run=dry_run)
    verb = "Would send" if dry_run else "Sent"
    for d in outcome.sent:
        click.echo(f"{verb}: {d.email} · {len(d.items)} deadline(s), {len(d.held)} update(s)")
    for d, failed in outcome.failed:
        click.echo(_failure_line(f"{d.email} · weekly digest", failed), err=True)
    click.echo(f"{verb} {len(outcome.sent)} digest(s) for the week of {week_of(day).isoformat()}; "
               f"{outcome.already} sent before.")
    _report_delivery(outcome, "digest")
