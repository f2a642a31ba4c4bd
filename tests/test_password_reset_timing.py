"""Asking for a password reset takes the same path whether the account exists: the answer
does no database work and sends nothing; looking the address up and mailing the link happen
after the response has been sent."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import event, select

from tests.conftest import _PASSWORD_HASH


def _ask(app, email):
    """POST /password/reset; the statements run while answering, the open response."""
    from peerreview.extensions import db

    statements = []

    def log(conn, cursor, statement, *args):
        statements.append(statement)

    client = FlaskClient(app, app.response_class)   # the response stays open, as on the wire
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", log)
    try:
        response = client.post("/password/reset", data={"email": email}, buffered=False)
        answered = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", log)
    return response, answered


def test_the_answer_does_the_same_work_whether_the_account_exists(app, outbox):
    from peerreview.auth.models import AccountToken, User
    from peerreview.extensions import db

    with app.app_context():
        db.session.add(User(email="known@example.org", name="Known", password_hash=_PASSWORD_HASH))
        db.session.commit()

    known, known_sql = _ask(app, "known@example.org")
    unknown, unknown_sql = _ask(app, "nobody@example.org")
    assert known_sql == unknown_sql == []
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert outbox() == []                       # nothing has left before the response is sent

    assert known.get_data() == unknown.get_data()   # the server sends the last byte ...
    known.close()                                   # ... and closes the response
    unknown.close()
    [message] = outbox()
    assert message["To"] == "known@example.org"
    with app.app_context():
        assert db.session.scalars(select(AccountToken.purpose)).all() == ["reset"]
        db.session.remove()
