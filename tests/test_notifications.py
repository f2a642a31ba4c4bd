"""E-mails asked for by services go out only when the change they announce is committed."""

from __future__ import annotations

from peerreview.extensions import db
from peerreview.notifications.queue import queue_mail


def test_mail_is_sent_after_commit(app, db_session, make_user, outbox):
    user = make_user("Recipient")
    queue_mail(user.email, "password_reset", user=user, link="http://localhost/x")
    assert outbox() == []
    db.session.commit()
    [message] = outbox()
    assert message["To"] == user.email and "Choose a new password" in message["Subject"]


def test_mail_is_dropped_on_rollback(app, db_session, make_user, outbox):
    user = make_user("Recipient")
    queue_mail(user.email, "password_reset", user=user, link="http://localhost/x")
    db.session.rollback()
    db.session.commit()
    assert outbox() == []


def test_failed_request_sends_no_mail(client, login, make_user, make_review, outbox):
    host_contact = make_user("Contact")
    review = make_review("draft")
    host_contact.city_id, host_contact.city_role = review.host_city_id, "contact"
    review.preferred_start = None
    db.session.commit()
    login(host_contact)
    client.post(f"/reviews/{review.id}/step/submit")   # refused: no window
    assert outbox() == []
