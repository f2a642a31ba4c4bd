"""The observation sync API against hostile input and concurrent phones: every note of a batch
gets its own answer, no input gives 500, and three phones sending the same notes in
different orders at once store each note exactly once."""

from __future__ import annotations

import json
import random
import threading
import uuid
from datetime import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from peerreview.extensions import db
from peerreview.observations.models import Observation


@pytest.fixture
def team(make_review, make_user, make_city):
    from peerreview.reviews.models import VisitSession

    peer = make_user("Visiting Peer", city=make_city("Vienna", "AT"))
    review = make_review("visit", team=[(peer, "peer")])
    session = VisitSession(review=review, day=review.visit_start, start_time=time(9), end_time=time(10),
                           title="Meeting the integration office", session_type="interview")
    db.session.add(session)
    db.session.commit()
    return review, peer, session


def _note(**extra):
    return {"uuid": str(uuid.uuid4()), "text": "The desk sees 40 people a day.", "kind": "evidence",
            **extra}


def _post(client, url, payload):
    # a text body is sent as its bytes; half of a surrogate pair as the bytes a broken client
    # would send (not UTF-8), which the test client cannot encode by itself
    body = (payload.encode("utf-8", "surrogatepass") if isinstance(payload, str)
            else payload if isinstance(payload, bytes) else json.dumps(payload))
    return client.post(url, data=body, content_type="application/json")


def _urls(review):
    base = f"/api/v1/reviews/{review.id}/observations"
    return base, base + "/batch"


def _count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Observation))


@pytest.mark.parametrize("field, value", [
    ("text", "a\ud800b"),            # half of a surrogate pair: valid JSON, not valid text
    ("text", "before\x00after"),     # NUL: PostgreSQL cannot store it
    ("uuid", "\udfff"),
    ("kind", "gap\ud83d"),
    ("source_type", "\ud800"),
])
def test_text_that_cannot_be_stored_is_refused_per_note(client, login, team, field, value):
    review, peer, _ = team
    login(peer)
    single, batch = _urls(review)
    res = _post(client, single, _note(**{field: value}))
    assert res.status_code == 400 and field in res.get_json()["errors"]
    good1, good2 = _note(), _note()
    res = _post(client, batch, {"observations": [good1, _note(**{field: value}), good2]})
    assert res.status_code == 200
    statuses = [r["status"] for r in res.get_json()["results"]]
    assert statuses == [201, 400, 201]
    assert _count() == 2


def test_deeply_nested_json_is_bad_input(client, login, team):
    review, peer, _ = team
    login(peer)
    single, batch = _urls(review)
    deep = "[" * 100_000 + "]" * 100_000
    assert _post(client, single, deep).status_code == 400
    assert _post(client, batch, deep).status_code == 400
    assert _post(client, batch, '{"observations": ' + deep + "}").status_code == 400
    # nested just below the parser's limit, inside one note: that note is refused
    nested = "[" * 900 + "]" * 900
    body = '{"observations": [' + json.dumps(_note()) + ', {"uuid": ' + nested + ', "text": ' + nested + "}]}"
    res = _post(client, batch, body)
    assert res.status_code == 200
    assert [r["status"] for r in res.get_json()["results"]] == [201, 400]


@pytest.mark.parametrize("bad", [
    {"session_id": 10**30}, {"key_factor_id": 2**31}, {"session_id": -(2**63)},
    {"base_version": 10**30}, {"session_id": "9" * 5000}, {"key_factor_id": 1.5},
    {"session_id": True}, {"key_factor_id": "1e3"},
])
def test_one_bad_number_spoils_only_its_own_note(client, login, team, bad):
    review, peer, session = team
    login(peer)
    _, batch = _urls(review)
    notes = [_note(session_id=session.id), _note(**bad), _note()]
    res = _post(client, batch, {"observations": notes})
    assert res.status_code == 200
    results = res.get_json()["results"]
    assert [r["status"] for r in results] == [201, 400, 201]
    assert results[1]["uuid"] == notes[1]["uuid"] and results[1]["errors"]
    assert _count() == 2


def test_every_note_of_a_batch_gets_its_answer_in_the_order_sent(client, login, team):
    review, peer, _ = team
    login(peer)
    _, batch = _urls(review)
    notes = [_note(text=f"Note {n}") for n in range(30)]
    notes[7] = {"uuid": notes[7]["uuid"], "text": ""}
    res = _post(client, batch, {"observations": notes})
    results = res.get_json()["results"]
    assert [r["uuid"] for r in results] == [n["uuid"] for n in notes]
    assert [r["status"] for r in results] == [400 if i == 7 else 201 for i in range(30)]
    again = _post(client, batch, {"observations": [n for i, n in enumerate(notes) if i != 7]})
    assert {r["status"] for r in again.get_json()["results"]} == {200}
    assert _count() == 29


@pytest.mark.parametrize("base", ["2", 1.5, True, [1], {"v": 1}, "one", "", 10**30])
def test_withdraw_refuses_a_base_version_that_is_not_a_whole_number(client, login, team, base):
    review, peer, _ = team
    login(peer)
    single, _ = _urls(review)
    note = _note()
    _post(client, single, note)
    url = f"{single}/{note['uuid']}/withdraw"
    res = _post(client, url, {"base_version": base})
    obs = db.session.scalars(select(Observation)).one()
    if isinstance(base, str) and base.isdigit():   # digits as text are a number too: a stale one
        assert res.status_code == 409 and obs.withdrawn_at is None
    elif base == 10**30:
        assert res.status_code == 409 and obs.withdrawn_at is None
    else:
        assert res.status_code == 400, res.get_json()
        assert "base_version" in res.get_json()["errors"] and obs.withdrawn_at is None
    assert _post(client, url, [1, 2]).status_code == 400
    assert _post(client, url, {"base_version": 1}).status_code == 200
    db.session.refresh(obs)
    assert obs.withdrawn_at is not None


# --- any JSON at all ----------------------------------------------------------------------

# surrogates included (JSON can carry them; hypothesis leaves them out unless told), and the
# awkward values given a fair chance
ANY_TEXT = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=[]), max_size=40),
    st.sampled_from(["a\ud800b", "\udfff", "\x00", "general", "evidence", "gap", "1", "-1",
                     "99999999999999999999", str(uuid.uuid4())]))
ANY_NUMBER = st.one_of(st.integers(min_value=-(10**40), max_value=10**40),
                       st.sampled_from([0, 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**63, 10**30]),
                       st.floats(allow_nan=False, allow_infinity=False))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | ANY_NUMBER | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=12)
FIELDS = ["uuid", "text", "kind", "key_factor_id", "session_id", "source_type", "base_version"]
# a good note with one or two fields replaced: most input reaches the database
NOTE_LIKE = st.dictionaries(st.sampled_from(FIELDS), ANY_TEXT | ANY_NUMBER | JSON_VALUES,
                            min_size=1, max_size=2).map(lambda d: {**_note(), **d})
ITEM = st.one_of(NOTE_LIKE, JSON_VALUES)


def test_no_json_gives_a_500(client, login, team):
    review, peer, _ = team
    login(peer)
    single, batch = _urls(review)
    stored = _note()
    _post(client, single, stored)

    @settings(max_examples=120, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(ITEM, st.lists(ITEM, min_size=1, max_size=6), JSON_VALUES)
    def send(item, items, other):
        res = _post(client, single, item)
        assert res.status_code in (200, 201, 400, 403, 404, 409), (res.status_code, item)
        res = _post(client, batch, {"observations": items})
        assert res.status_code == 200, (res.status_code, items)
        results = res.get_json()["results"]
        assert len(results) == len(items)
        assert all(r["status"] in (200, 201, 400, 403, 404, 409) for r in results)
        res = _post(client, batch, other)
        assert res.status_code in (200, 400), (res.status_code, other)
        res = _post(client, f"{single}/{stored['uuid']}/withdraw", other)
        assert res.status_code in (200, 400, 409), (res.status_code, other)

    send()


# --- three phones at once -----------------------------------------------------------------

def test_three_phones_sending_the_same_notes_in_different_orders(app, client, login, team):
    """On PostgreSQL, batches written in the order they came deadlocked (and answered 500);
    now they are written in UUID order, and a deadlock or serialization failure is retried."""
    review, peer, _ = team
    _, batch = _urls(review)
    phones = [login(peer, app.test_client()) for _ in range(3)]
    rounds = 3
    notes = [[_note(text=f"Round {r} note {n}") for n in range(200)] for r in range(rounds)]
    answers, errors = [], []
    start = threading.Barrier(3, timeout=60)

    def phone(c, seed):
        rng = random.Random(seed)
        for r in range(rounds):
            mine = list(notes[r])
            rng.shuffle(mine)
            try:
                start.wait()
                res = _post(c, batch, {"observations": mine})
                answers.append((res.status_code, res.get_json()))
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

    threads = [threading.Thread(target=phone, args=(c, n)) for n, c in enumerate(phones)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert errors == []
    assert [status for status, _ in answers] == [200] * (3 * rounds)
    created = sum(1 for _, body in answers for r in body["results"] if r["status"] == 201)
    again = sum(1 for _, body in answers for r in body["results"] if r["status"] == 200)
    assert created == 200 * rounds and again == 2 * 200 * rounds
    assert _count() == 200 * rounds
    stored = set(db.session.scalars(select(Observation.uuid)))
    assert stored == {n["uuid"] for r in notes for n in r}
