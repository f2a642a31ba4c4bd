"""The same note sent twice at the same moment (a phone retrying while its first request is
still on its way) is stored once, and both requests are told so: never a 500."""

from __future__ import annotations

import threading
import uuid

from flask.testing import FlaskClient
from sqlalchemy import func, select

from peerreview.extensions import db
from peerreview.observations import services
from peerreview.observations.models import Observation


def _client(app, user_id: str) -> FlaskClient:
    client = FlaskClient(app, app.response_class, use_cookies=True)
    with app.app_context(), client.session_transaction() as sess:
        sess["_user_id"] = user_id
        sess["_fresh"] = True
    return client


def test_the_same_uuid_sent_twice_at_once_is_stored_once(app, db_kind, monkeypatch, make_city,
                                                         make_user, make_review):
    peer = make_user("Ana Peer", city=make_city("Lisbon", "PT", timezone="Europe/Lisbon"))
    review = make_review("visit", host=make_city("Ghent", "BE"), team=[(peer, "lead")])
    body = {"uuid": str(uuid.uuid4()), "text": "Nobody at the desk speaks Arabic.", "kind": "gap",
            "key_factor_id": review.benchmark.key_factors[0].id}
    url = f"/api/v1/reviews/{review.id}/observations"
    from peerreview.auth import sessions

    peer_id = sessions.start(peer)
    db.session.commit()

    if db_kind == "postgresql":
        # Both requests look for the UUID before either stores it, so both try to insert and
        # the database's unique index decides (SQLite's write lock already serialises them:
        # the second request waits and finds the first one's note).
        barrier = threading.Barrier(2, timeout=10)
        looked = threading.local()
        original = services.by_uuid

        def by_uuid_then_wait(value):
            found = original(value)
            if not getattr(looked, "done", False):
                looked.done = True
                barrier.wait()
            return found

        monkeypatch.setattr(services, "by_uuid", by_uuid_then_wait)

    answers, errors = [], []

    def send():
        try:
            client = _client(app, peer_id)
            with app.app_context():  # each thread is a request of its own, as under gunicorn
                res = client.post(url, json=body)
                db.session.remove()
            answers.append((res.status_code, res.get_json()))
        except Exception as exc:  # noqa: BLE001 - reported below with the answers
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200, 201], answers
    assert {a["uuid"] for _, a in answers} == {body["uuid"]}
    assert {a["id"] for _, a in answers} == {answers[0][1]["id"]}
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 1
