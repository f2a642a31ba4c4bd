"""Mail is an outbox: a message counts as sent only once the mail server accepted it; what
failed is tried again by the next run, after a pause, and said so on the command line."""

from __future__ import annotations

import socket
import threading
from datetime import date, timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import func, select

from peerreview.deadlines.models import ReminderSent
from peerreview.extensions import db
from peerreview.notifications.models import OutgoingMail

TODAY = date(2031, 5, 12)


class SMTPServer:
    """A small SMTP server on a local port that keeps what it accepts. ``refuse`` lists
    addresses it refuses for good (550)."""

    def __init__(self, port: int):
        from aiosmtpd.controller import Controller

        self.messages = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()
        server = self

        class Handler:
            async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
                if address in server.refuse:
                    return "550 5.1.1 No such mailbox here"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, smtp, session, envelope):
                with server.lock:
                    server.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 Message accepted for delivery"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def to(self):
        return sorted(m["To"] for m in self.messages)


def free_port() -> int:
    """A port nobody listens on: connecting to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_config(app, monkeypatch):
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    return port


@pytest.fixture
def hosted(make_review, make_city, make_user):
    """Two people of the host city each owe the self-assessment in 7 days."""
    host = make_city("Ghent", "BE")
    review = make_review("preparing", host=host, visit_start=TODAY + timedelta(days=35))
    contact = make_user("Host Contact", city=host, city_role="contact")
    member = make_user("Host Member", city=host)
    return review, contact, member


def _send(runner, *extra):
    db.session.commit()
    res = runner.invoke(args=["reminders", "send", "--today", TODAY.isoformat(), *extra])
    db.session.expire_all()
    return res


def _sent_rows() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(OutgoingMail)
                             .where(OutgoingMail.sent_at.is_not(None)))


def test_server_down_sends_and_records_nothing_and_the_next_run_sends_each_once(
        runner, hosted, smtp_config, clock):
    review, contact, member = hosted
    res = _send(runner)
    assert res.exit_code == 1, res.output
    assert "Sent 0 reminder(s)" in res.output
    assert "Not sent" in res.output and "Connection refused" in res.output
    assert "Could not send 2 message(s); 2 stay in the outbox" in res.output
    assert _sent_rows() == 0
    rows = db.session.scalars(select(OutgoingMail)).all()
    assert len(rows) == 2 and all(r.attempts == 1 and "refused" in r.last_error for r in rows)

    # the next hourly run, with the server back
    clock.shift(timedelta(hours=1))
    with SMTPServer(smtp_config) as server:
        res = _send(runner)
        assert res.exit_code == 0, res.output
        assert "Sent 2 reminder(s)" in res.output
        assert server.to() == sorted([contact.email, member.email])
        ids = {m["Message-ID"].strip() for m in server.messages}
        assert ids == {r.message_id for r in rows}
        assert all(i.startswith("<reminder.review.self_assessment.review.") for i in ids)
        # and again: nothing more
        res = _send(runner)
        assert res.exit_code == 0 and "Sent 0 reminder(s)" in res.output and "2 sent before" in res.output
        assert len(server.messages) == 2
    assert _sent_rows() == 2
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 2


def test_a_failed_message_waits_before_the_next_attempt(runner, hosted, smtp_config, clock):
    from peerreview.notifications.outbox import backoff

    assert _send(runner).exit_code == 1
    with SMTPServer(smtp_config) as server:
        res = _send(runner)   # a minute later: the pause (5 minutes) is not over
        assert res.exit_code == 0, res.output
        assert "2 reminder(s) wait in the outbox" in res.output and server.messages == []
        clock.shift(backoff(1) + timedelta(seconds=1))
        res = _send(runner)
        assert "Sent 2 reminder(s)" in res.output and len(server.messages) == 2
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=5), timedelta(minutes=10),
                                               timedelta(minutes=20)]
    assert backoff(20) == timedelta(hours=6)


def test_an_address_refused_for_good_is_given_up_and_the_others_go(runner, hosted, smtp_config):
    review, contact, member = hosted
    with SMTPServer(smtp_config) as server:
        server.refuse.add(member.email)
        res = _send(runner)
        assert res.exit_code == 1
        assert "Sent 1 reminder(s)" in res.output
        assert f"{member.email} refused: 550" in res.output and "given up" in res.output
        assert server.to() == [contact.email]
        server.refuse.clear()
        res = _send(runner)   # given up: not tried again
        assert res.exit_code == 0 and server.to() == [contact.email]
    given_up = db.session.scalars(select(OutgoingMail).where(OutgoingMail.given_up_at.is_not(None))).one()
    assert given_up.to_address == member.email


def test_web_mail_with_the_server_down_waits_in_the_outbox(client, runner, make_user, smtp_config, clock):
    make_user(email="forgot@example.org")
    res = client.post("/password/reset", data={"email": "forgot@example.org"})
    assert res.status_code == 302      # the person is not told about the mail server
    [row] = db.session.scalars(select(OutgoingMail)).all()
    assert row.sent_at is None and row.attempts == 1 and row.to_address == "forgot@example.org"
    clock.shift(timedelta(minutes=6))
    db.session.commit()
    with SMTPServer(smtp_config) as server:
        res = runner.invoke(args=["mail", "send"])
        assert res.exit_code == 0, res.output
        assert "Sent 1 message(s)" in res.output
        [msg] = server.messages
        assert msg["To"] == "forgot@example.org" and msg["Message-ID"].strip() == row.message_id
        assert "/password/reset/" in msg.get_body(("plain",)).get_content()


def test_concurrent_senders_send_each_message_once(app, db_session, make_user, smtp_config):
    from peerreview.notifications import outbox
    from peerreview.notifications.queue import manual_delivery

    people = [make_user() for _ in range(5)]
    with manual_delivery():
        for n in range(30):
            person = people[n % 5]
            outbox.enqueue(person.email, f"Message {n}", f"Text {n}", user_id=person.id)
    db.session.commit()
    start = threading.Barrier(3, timeout=30)
    reports, errors = [], []

    def sender():
        with app.app_context():
            try:
                start.wait()
                reports.append(outbox.deliver())
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                db.session.remove()

    with SMTPServer(smtp_config) as server:
        threads = [threading.Thread(target=sender) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert errors == []
    assert sum(len(r.sent) for r in reports) == 30 and all(r.ok for r in reports)
    subjects = sorted(m["Subject"] for m in server.messages)
    assert subjects == sorted(f"Message {n}" for n in range(30))
    assert _sent_rows() == 30


def test_a_rolled_back_change_leaves_no_mail(app, db_session, make_user, outbox):
    from peerreview.notifications.queue import queue_mail

    user = make_user()
    queue_mail(user.email, "password_reset", user=user, link="http://localhost/x")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 0
    assert outbox() == []
