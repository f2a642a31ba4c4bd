"""E-mails that services ask for are sent only after the request's transaction commits.

A service calls ``queue_mail(...)``; the message is rendered at once (so template errors
surface inside the request) and kept on the database session. If the transaction commits,
the messages go out; if it rolls back, they are dropped: nobody is told about a change that
did not happen.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from peerreview.extensions import db

log = logging.getLogger(__name__)

_KEY = "peerreview.pending_mail"


def queue_mail(to: str, template: str, **context) -> None:
    from flask import render_template
    from jinja2 import TemplateNotFound

    from peerreview.deadlines.preferences import held_back

    subject = render_template(f"mail/{template}.subject.txt", **context).strip()
    text = render_template(f"mail/{template}.txt", **context)
    # The person's choice for this kind of message: kept for the weekly digest, or off.
    if held_back(to, template, context, subject, text):
        return
    try:
        html = render_template(f"mail/{template}.html", **context)
    except TemplateNotFound:  # the HTML part is optional
        html = None
    db.session.info.setdefault(_KEY, []).append(
        (current_app._get_current_object(), to, subject, text, html))


@event.listens_for(Session, "after_commit")
def _send_after_commit(session):
    pending = session.info.pop(_KEY, [])
    for app, to, subject, text, html in pending:
        from peerreview.notifications import mail

        with app.app_context():
            try:
                mail.send(to, subject, text, html)
            except Exception:  # noqa: BLE001 - a mail failure must not undo the committed change
                log.exception("Could not send mail to %s: %s", to, subject)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(_KEY, None)
