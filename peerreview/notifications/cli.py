"""``flask mail send`` (deliver what waits in the outbox) and ``flask mail waiting``."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="The mail outbox: messages not yet accepted by the mail server.")


@mail_cli.command("send")
def send():
    """Deliver the messages that are due (new ones, and failed ones whose pause is over).
    Exit status 1 if one could not be sent; it stays in the outbox for the next run."""
    from peerreview.extensions import db
    from peerreview.notifications import outbox

    report = outbox.deliver()
    purged = outbox.purge_sent()
    db.session.commit()
    for d in report.sent:
        click.echo(f"Sent: {d.to} · {d.subject}")
    for d in report.failed:
        later = ("given up" if d.given_up
                 else f"tried again from {d.next_attempt_at:%Y-%m-%d %H:%M} UTC on")
        click.echo(f"Not sent: {d.to} · {d.subject}: {d.error} ({later})", err=True)
    click.echo(f"Sent {len(report.sent)} message(s); {len(report.failed)} could not be sent; "
               f"{purged} sent more than {outbox.KEEP_SENT.days} days ago forgotten.")
    if report.failed:
        sys.exit(1)


@mail_cli.command("waiting")
def waiting():
    """List the messages not sent yet: waiting for their next attempt, or given up."""
    from peerreview.notifications import outbox

    rows = outbox.waiting()
    for m in rows:
        state = ("given up" if m.given_up_at else f"next attempt {m.next_attempt_at:%Y-%m-%d %H:%M} UTC")
        click.echo(f"{m.created_at:%Y-%m-%d %H:%M} · {m.to_address} · {m.subject} · "
                   f"{m.attempts} attempt(s), {state}" + (f" · {m.last_error}" if m.last_error else ""))
    click.echo(f"{len(rows)} message(s) not sent.")
