"""E-mails that services ask for go out only when the change they announce is committed.

A service calls ``queue_mail(...)``: the message is rendered at once (so template errors
surface inside the request) and written to the outbox (``peerreview.notifications.outbox``)
in the same transaction. If the transaction rolls back, the message is gone with it: nobody
is told about a change that did not happen. Once it commits, the messages are delivered:

- during a web request, after the response has been sent (the person does not wait for the
  mail server, and the response takes the same time whatever is mailed);
- elsewhere (command line, tests), right after the commit;
- inside ``manual_delivery()``, not at all: the caller delivers and reports (``flask
  reminders send``).

A message that cannot be delivered stays in the outbox and is retried by the next
``flask reminders send`` or ``flask mail send``.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

from peerreview.extensions import db

_KEY = "peerreview.pending_mail"
_manual: contextvars.ContextVar[bool] = contextvars.ContextVar("manual_mail_delivery", default=False)


def render(template: str, **context) -> tuple[str, str, str | None]:
    """(subject, text, html) of ``mail/<template>.*``; the HTML part is optional."""
    from flask import render_template
    from jinja2 import TemplateNotFound

    subject = render_template(f"mail/{template}.subject.txt", **context).strip()
    text = render_template(f"mail/{template}.txt", **context)
    try:
        html = render_template(f"mail/{template}.html", **context)
    except TemplateNotFound:
        html = None
    return subject, text, html


def recipient_language(to: str, context: dict) -> str:
    """The language of a message to ``to``: the language on the recipient's account (the
    ``user`` of the context when it is the recipient, else the account with that address),
    English for an address without an account or a choice."""
    from sqlalchemy import select

    from peerreview.auth.models import User, normalise_email
    from peerreview.i18n import recipient_language as language_of

    user = context.get("user")
    if getattr(user, "email", None) != normalise_email(to):
        user = db.session.scalar(select(User).where(User.email == normalise_email(to)))
    return language_of(user)


def queue_mail(to: str, template: str, *, message_id: str | None = None, **context):
    """Render ``mail/<template>`` in the recipient's language and put it in the outbox; None if
    the person chose to get this kind of message in the weekly digest or not at all."""
    from peerreview.deadlines.preferences import held_back
    from peerreview.i18n import use_locale
    from peerreview.notifications import outbox

    with use_locale(recipient_language(to, context)):
        subject, text, html = render(template, **context)
    # The person's choice for this kind of message: kept for the weekly digest, or off.
    if held_back(to, template, context, subject, text):
        return None
    user = context.get("user")
    user_id = getattr(user, "id", None) if getattr(user, "email", None) == to else None
    row = outbox.enqueue(to, subject, text, html, message_id=message_id, user_id=user_id)
    if not _manual.get():
        db.session.info.setdefault(_KEY, []).append(row.id)
    return row


@contextmanager
def manual_delivery():
    """Mail queued inside this block stays in the outbox for the caller to deliver."""
    token = _manual.set(True)
    try:
        yield
    finally:
        _manual.reset(token)


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session):
    ids = session.info.pop(_KEY, [])
    if not ids:
        return
    from flask import current_app, has_request_context

    from peerreview.after_response import after_response
    from peerreview.notifications import outbox

    app = current_app._get_current_object()

    def job():
        with app.app_context():
            outbox.deliver_quietly(ids)

    if has_request_context():
        after_response(job)
    else:
        job()


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(_KEY, None)
