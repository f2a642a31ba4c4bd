"""Observation capture: the page, the idempotent sync API, conflicts, visibility, exports."""

from __future__ import annotations

import io
import random
import uuid

import pytest
from sqlalchemy import func, select

from peerreview.extensions import db
from peerreview.observations.models import Observation


@pytest.fixture
def team(make_city, make_user, make_review):
    host = make_city("Ghent", "BE")
    peer_a = make_user("Ana Peer", city=make_city("Lisbon", "PT", timezone="Europe/Lisbon"))
    peer_b = make_user("Bo Peer", city=make_city("Oslo", "NO", timezone="Europe/Oslo"))
    review = make_review("visit", host=host, team=[(peer_a, "lead"), (peer_b, "rapporteur")])
    return {"review": review, "a": peer_a, "b": peer_b,
            "host": make_user("Host Contact", city=host, city_role="contact"),
            "outsider": make_user("Outsider", city=make_city("Riga", "LV", timezone="Europe/Riga")),
            "coordinator": make_user(coordinator=True), "kf": review.benchmark.key_factors[0]}


def _payload(team, **kw):
    data = {"uuid": str(uuid.uuid4()), "text": "The reporting point has no evening hours.",
            "kind": "gap", "key_factor_id": team["kf"].id}
    data.update(kw)
    return data


def _api(review):
    return f"/api/v1/reviews/{review.id}/observations"


def _count():
    return db.session.scalar(select(func.count()).select_from(Observation))


def test_create_is_idempotent(client, login, team):
    login(team["a"])
    body = _payload(team)
    first = client.post(_api(team["review"]), json=body)
    assert first.status_code == 201
    again = client.post(_api(team["review"]), json=body)
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert _count() == 1


def test_replay_of_1000_submissions_stores_one_row_per_uuid(client, login, team):
    """Duplicates, reordering and lost answers (the client sends again) never lose or double a note."""
    login(team["a"])
    rng = random.Random(20261123)
    notes = [_payload(team, text=f"Note {i}: {rng.choice(['queue', 'staff', 'leaflet'])}",
                      kind=rng.choice(["strength", "gap", "evidence", "question", "good_practice"]))
             for i in range(400)]
    sends = []
    for note in notes:
        sends += [note] * rng.choice([1, 1, 2, 3, 4])
    rng.shuffle(sends)
    sends = sends[:1000] if len(sends) > 1000 else sends
    confirmed = set()
    for note in sends:
        res = client.post(_api(team["review"]), json=note)
        assert res.status_code in (200, 201), res.get_json()
        if rng.random() < 0.3:
            continue  # the answer was "lost": the client does not know it arrived
        confirmed.add(note["uuid"])
    # the client resends everything it has not seen confirmed
    for note in notes:
        if note["uuid"] not in confirmed:
            assert client.post(_api(team["review"]), json=note).status_code in (200, 201)
    stored = dict(db.session.execute(select(Observation.uuid, Observation.text)).all())
    assert len(stored) == len(notes)
    assert stored == {n["uuid"]: n["text"] for n in notes}


def test_stale_edit_gets_409_with_current_text(app, login, team):
    phone, laptop = app.test_client(), app.test_client()
    login(team["a"], phone)
    login(team["a"], laptop)
    body = _payload(team)
    created = phone.post(_api(team["review"]), json=body).get_json()
    ok = phone.post(_api(team["review"]), json={**body, "text": "Edited on the phone", "base_version": created["version"]})
    assert ok.status_code == 200 and ok.get_json()["version"] == created["version"] + 1
    stale = laptop.post(_api(team["review"]), json={**body, "text": "Edited on the laptop", "base_version": created["version"]})
    assert stale.status_code == 409
    assert stale.get_json()["current"]["text"] == "Edited on the phone"
    assert db.session.scalars(select(Observation)).one().text == "Edited on the phone"


def test_the_same_edit_sent_twice_is_harmless(client, login, team):
    login(team["a"])
    body = _payload(team)
    created = client.post(_api(team["review"]), json=body).get_json()
    edit = {**body, "text": "Edited once", "base_version": created["version"]}
    assert client.post(_api(team["review"]), json=edit).status_code == 200
    assert client.post(_api(team["review"]), json=edit).status_code == 200
    assert db.session.scalars(select(Observation)).one().version == created["version"] + 1


def test_another_peer_cannot_edit_or_reuse_a_uuid(client, login, team):
    login(team["a"])
    body = _payload(team)
    created = client.post(_api(team["review"]), json=body).get_json()
    login(team["b"])
    res = client.post(_api(team["review"]), json={**body, "text": "Hijack", "base_version": created["version"]})
    assert res.status_code == 409
    assert db.session.scalars(select(Observation)).one().text == body["text"]


@pytest.mark.parametrize("change, field", [
    ({"text": "   "}, "text"),
    ({"text": "x" * 10_001}, "text"),
    ({"key_factor_id": 999_999}, "key_factor_id"),
    ({"kind": "rumour"}, "kind"),
    ({"uuid": "not-a-uuid"}, "uuid"),
    ({"source_type": "mayor"}, "source_type"),
    ({"key_factor_id": "abc"}, "key_factor_id"),
    ({"text": 42}, "text"),
])
def test_bad_input_gets_400_per_field(client, login, team, change, field):
    login(team["a"])
    res = client.post(_api(team["review"]), json=_payload(team, **change))
    assert res.status_code == 400
    assert field in res.get_json()["errors"]
    assert _count() == 0


def test_session_of_another_review_is_refused(client, login, team, make_review, make_city):
    from datetime import time

    from peerreview.reviews.models import VisitSession

    other = make_review("visit", host=make_city("Lyon", "FR", timezone="Europe/Paris"))
    s = VisitSession(review=other, day=other.visit_start, start_time=time(9), end_time=time(10), title="Elsewhere")
    db.session.add(s)
    db.session.commit()
    login(team["a"])
    res = client.post(_api(team["review"]), json=_payload(team, session_id=s.id))
    assert res.status_code == 400 and "session_id" in res.get_json()["errors"]


def test_not_json_gets_400(client, login, team):
    login(team["a"])
    res = client.post(_api(team["review"]), data="text=hello", content_type="text/plain")
    assert res.status_code == 400


def test_visibility(client, login, team):
    login(team["a"])
    client.post(_api(team["review"]), json=_payload(team, text="Only the team sees this"))
    page = f"/reviews/{team['review'].id}/observations"
    login(team["b"])
    assert "Only the team sees this" in client.get(page).get_data(as_text=True)
    login(team["coordinator"])
    assert "Only the team sees this" in client.get(page).get_data(as_text=True)
    for who in ("host", "outsider"):
        login(team[who])
        assert client.get(page).status_code == 403
        assert client.get(_api(team["review"])).status_code == 403
        assert "Only the team sees this" not in client.get(f"/reviews/{team['review'].id}").get_data(as_text=True)


def test_api_without_login_gets_401_json(client, team):
    res = client.post(_api(team["review"]), json=_payload(team))
    assert res.status_code == 401 and res.get_json()["error"]


def test_plain_form_works_without_javascript(client, login, team):
    login(team["a"])
    page = client.get(f"/reviews/{team['review'].id}/observations").get_data(as_text=True)
    import re

    form_uuid = re.search(r'name="uuid" type="hidden" value="([0-9a-f-]{36})"', page).group(1)
    data = {"uuid": form_uuid, "kind": "strength", "key_factor_id": str(team["kf"].id),
            "session_id": "", "text": "Staff speak six languages at the desk.", "source_type": "service_provider"}
    assert client.post(f"/reviews/{team['review'].id}/observations", data=data).status_code == 302
    # a double click sends the same form twice: still one note
    client.post(f"/reviews/{team['review'].id}/observations", data=data)
    assert _count() == 1
    bad = client.post(f"/reviews/{team['review'].id}/observations", data={**data, "uuid": str(uuid.uuid4()), "text": ""})
    assert bad.status_code == 400 and "Write the observation." in bad.get_data(as_text=True)


def test_attachment_through_the_form(client, login, team):
    login(team["a"])
    data = {"uuid": str(uuid.uuid4()), "kind": "evidence", "key_factor_id": str(team["kf"].id),
            "text": "Photo of the leaflet rack", "file": (io.BytesIO(b"\x89PNG\r\n\x1a\nrest"), "rack.png")}
    assert client.post(f"/reviews/{team['review'].id}/observations", data=data,
                       content_type="multipart/form-data").status_code == 302
    obs = db.session.scalars(select(Observation)).one()
    assert obs.filename == "rack.png"
    assert client.get(f"/reviews/{team['review'].id}/observations/{obs.id}/file").status_code == 200
    wrong = {**data, "uuid": str(uuid.uuid4()), "file": (io.BytesIO(b"MZ"), "virus.exe")}
    res = client.post(f"/reviews/{team['review'].id}/observations", data=wrong, content_type="multipart/form-data")
    assert res.status_code == 400 and "not an accepted kind of file" in res.get_data(as_text=True)
    assert _count() == 1


def test_edit_page_conflict_shows_both_texts(app, login, team):
    one, two = app.test_client(), app.test_client()
    login(team["a"], one)
    login(team["a"], two)
    created = one.post(_api(team["review"]), json=_payload(team)).get_json()
    url = f"/reviews/{team['review'].id}/observations/{created['id']}/edit"
    form = {"kind": "gap", "key_factor_id": str(team["kf"].id), "session_id": "", "source_type": "",
            "base_version": str(created["version"])}
    assert one.post(url, data={**form, "text": "First device text"}).status_code == 302
    res = two.post(url, data={**form, "text": "Second device text"})
    assert res.status_code == 409
    html = res.get_data(as_text=True)
    assert "First device text" in html and "Second device text" in html
    assert db.session.scalars(select(Observation)).one().text == "First device text"


def test_read_only_after_reporting(client, login, team):
    login(team["a"])
    created = client.post(_api(team["review"]), json=_payload(team)).get_json()
    team["review"].state = "issued"
    db.session.commit()
    res = client.post(_api(team["review"]), json={**_payload(team), "uuid": created["uuid"],
                                                  "text": "late edit", "base_version": created["version"]})
    assert res.status_code == 403
    assert client.post(_api(team["review"]), json=_payload(team)).status_code == 403
    assert client.post(f"/reviews/{team['review'].id}/observations/{created['id']}/withdraw").status_code == 403


def test_withdraw_hides_the_note(client, login, team):
    login(team["a"])
    created = client.post(_api(team["review"]), json=_payload(team, text="Withdraw me")).get_json()
    client.post(f"/reviews/{team['review'].id}/observations/{created['id']}/withdraw")
    assert "Withdraw me" not in client.get(f"/reviews/{team['review'].id}/observations").get_data(as_text=True)


def test_consolidation_and_peer_ratings(client, login, team):
    login(team["a"])
    for kind in ("strength", "gap", "gap"):
        client.post(_api(team["review"]), json=_payload(team, kind=kind))
    client.post(f"/reviews/{team['review'].id}/observations/ratings",
                data={"key_factor_id": team["kf"].id, "rating": "1", "note": "Few reports reach the city"})
    login(team["b"])
    client.post(f"/reviews/{team['review'].id}/observations/ratings",
                data={"key_factor_id": team["kf"].id, "rating": "2"})
    html = client.get(f"/reviews/{team['review'].id}/observations/consolidation").get_data(as_text=True)
    assert "Gap: 2" in html and "Strength: 1" in html
    assert "Ana Peer" in html and "Partly in place" in html and "Few reports reach the city" in html
    assert "Largely in place" in html
    bad = client.post(f"/reviews/{team['review'].id}/observations/ratings",
                      data={"key_factor_id": team["kf"].id, "rating": "9"}, follow_redirects=True)
    assert "is not a rating" in bad.get_data(as_text=True)


def test_exports(client, login, team):
    login(team["a"])
    client.post(_api(team["review"]), json=_payload(team, text="=HYPERLINK(\"http://evil\")"))
    client.post(_api(team["review"]), json=_payload(team, text="Ordinary note, with comma"))
    csv_res = client.get(f"/reviews/{team['review'].id}/observations/export.csv")
    assert csv_res.status_code == 200 and "text/csv" in csv_res.headers["Content-Type"]
    body = csv_res.get_data(as_text=True)
    assert "Ordinary note, with comma" in body and "'=HYPERLINK" in body
    xlsx = client.get(f"/reviews/{team['review'].id}/observations/export.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx.data)).active
    texts = [row[6] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "Ordinary note, with comma" in texts
    cell = next(c for c in ws["G"] if c.value and str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"
    login(team["host"])
    assert client.get(f"/reviews/{team['review'].id}/observations/export.xlsx").status_code == 403


def test_service_worker_is_served(client):
    res = client.get("/sw.js")
    assert res.status_code == 200 and "javascript" in res.headers["Content-Type"]
    assert "peerreview-offline" in res.get_data(as_text=True)


def test_batch_sync_answers_per_note_and_is_idempotent(client, login, team):
    login(team["a"])
    good = [_payload(team, text=f"Batch note {i}") for i in range(5)]
    bad = _payload(team, text="")
    url = f"/api/v1/reviews/{team['review'].id}/observations/batch"
    res = client.post(url, json={"observations": good + [bad]})
    assert res.status_code == 200
    results = res.get_json()["results"]
    assert [r["status"] for r in results] == [201] * 5 + [400]
    assert "text" in results[-1]["errors"]
    assert _count() == 5
    again = client.post(url, json={"observations": good}).get_json()["results"]
    assert [r["status"] for r in again] == [200] * 5
    assert _count() == 5


def test_batch_replay_with_duplicates_inside_one_request(client, login, team):
    login(team["a"])
    notes = [_payload(team, text=f"Note {i}") for i in range(60)]
    rng = random.Random(7)
    sends = notes + rng.sample(notes, 30)
    rng.shuffle(sends)
    url = f"/api/v1/reviews/{team['review'].id}/observations/batch"
    for start in range(0, len(sends), 25):
        res = client.post(url, json={"observations": sends[start:start + 25]})
        assert all(r["status"] in (200, 201) for r in res.get_json()["results"])
    assert _count() == 60


@pytest.mark.parametrize("body", [{}, {"observations": []}, {"observations": "x"}, [1, 2]])
def test_batch_bad_shape(client, login, team, body):
    login(team["a"])
    res = client.post(f"/api/v1/reviews/{team['review'].id}/observations/batch", json=body)
    assert res.status_code == 400 and res.get_json()["errors"]


def test_batch_size_is_limited(client, login, team):
    login(team["a"])
    res = client.post(f"/api/v1/reviews/{team['review'].id}/observations/batch",
                      json={"observations": [_payload(team) for _ in range(201)]})
    assert res.status_code == 400 and _count() == 0
