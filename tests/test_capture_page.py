"""The capture page and its file upload: a photo sent after its note, idempotently; the
choices kept between notes without JavaScript; times in the host city's zone; a light page."""

from __future__ import annotations

import io
import uuid
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from peerreview.extensions import db
from peerreview.files.models import StoredFile
from peerreview.formatting import local_datetime, moment, zone_abbreviation
from peerreview.observations.models import Observation
from tests.conftest import FROZEN_NOW

PNG = b"\x89PNG\r\n\x1a\nphoto-of-a-noticeboard"
OTHER_PNG = b"\x89PNG\r\n\x1a\nanother-photo"


@pytest.fixture
def visit(make_city, make_user, make_review, today):
    from peerreview.reviews.models import VisitSession

    host = make_city("Ghent", "BE", timezone="Europe/Brussels")
    peer = make_user("Ana Peer", city=make_city("Lisbon", "PT", timezone="Europe/Lisbon"))
    other = make_user("Bo Peer", city=make_city("Oslo", "NO", timezone="Europe/Oslo"))
    review = make_review("visit", host=host, visit_start=today - timedelta(days=1),
                         team=[(peer, "lead"), (other, "rapporteur")])
    # the first session runs now in Ghent (whatever moment the clock is frozen at); the
    # second is on the next day of the visit
    here = local_datetime(FROZEN_NOW.replace(tzinfo=None), "Europe/Brussels")
    start = max(here - timedelta(minutes=30), here.replace(hour=0, minute=0, second=0))
    end = min(here + timedelta(minutes=30), here.replace(hour=23, minute=59, second=0))
    now = VisitSession(review=review, day=here.date(), start_time=start.time().replace(second=0),
                       end_time=end.time().replace(second=0), title="Equality body",
                       session_type="interview")
    later = VisitSession(review=review, day=here.date() + timedelta(days=1), start_time=time(15),
                         end_time=time(16), title="Welcome desk", session_type="site_visit")
    db.session.add_all([now, later])
    db.session.commit()
    return {"review": review, "peer": peer, "other": other, "now": now, "later": later,
            "kfs": review.benchmark.key_factors, "zone": zone_abbreviation(here)}


def _note(client, visit, **kw):
    body = {"uuid": str(uuid.uuid4()), "text": "Leaflets only in Dutch.", "kind": "gap",
            "key_factor_id": visit["kfs"][0].id, **kw}
    res = client.post(f"/api/v1/reviews/{visit['review'].id}/observations", json=body)
    assert res.status_code == 201
    return body["uuid"]


def _send_file(client, visit, uid, data=PNG, name="board.png"):
    return client.post(f"/api/v1/reviews/{visit['review'].id}/observations/{uid}/file",
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_a_photo_follows_its_note_and_a_resend_changes_nothing(client, login, visit):
    login(visit["peer"])
    uid = _note(client, visit)
    first = _send_file(client, visit, uid)
    assert first.status_code == 201 and first.get_json()["filename"] == "board.png"
    again = _send_file(client, visit, uid)  # the answer was lost; the phone sends it again
    assert again.status_code == 200 and again.get_json()["version"] == first.get_json()["version"]
    obs = db.session.scalars(select(Observation)).one()
    assert obs.filename == "board.png"
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 1
    # a note keeps the one file it was given
    other = _send_file(client, visit, uid, OTHER_PNG, "other.png")
    assert other.status_code == 409 and "already has a file (board.png)" in other.get_json()["error"]
    db.session.refresh(obs)
    assert obs.filename == "board.png"


def test_a_refused_file_says_why_and_only_the_author_attaches(client, login, visit):
    login(visit["peer"])
    uid = _note(client, visit)
    bad = _send_file(client, visit, uid, b"MZ-not-a-photo", "tool.exe")
    assert bad.status_code == 400 and "not an accepted kind of file" in bad.get_json()["errors"]["file"]
    missing = client.post(f"/api/v1/reviews/{visit['review'].id}/observations/{uid}/file")
    assert missing.status_code == 400
    unknown = _send_file(client, visit, str(uuid.uuid4()))
    assert unknown.status_code == 404 and "send the note first" in unknown.get_json()["error"]
    login(visit["other"])
    assert _send_file(client, visit, uid).status_code == 403
    assert db.session.scalars(select(Observation)).one().file_id is None


def test_without_javascript_the_choices_stay_for_the_next_note(client, login, visit):
    login(visit["peer"])
    url = f"/reviews/{visit['review'].id}/observations"
    page = client.get(url).get_data(as_text=True)
    # the session running now in Ghent is chosen, its times named in Ghent's zone
    assert f'<option value="{visit["now"].id}" selected' in page
    assert f"(times in Ghent, {visit['zone']})" in page
    kf = visit["kfs"][2]
    res = client.post(url, data={"uuid": str(uuid.uuid4()), "text": "First note.", "kind": "strength",
                                 "key_factor_id": str(kf.id), "session_id": str(visit["later"].id),
                                 "source_type": "ngo"})
    assert res.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert f'<option value="{visit["later"].id}" selected' in page
    assert f'value="{kf.id}" checked' in page
    assert 'value="strength" checked' in page
    assert '<option selected value="ngo">' in page
    assert "autofocus" in page and "Note saved." in page
    # a double submission of the same form stores one note
    form = {"uuid": str(uuid.uuid4()), "text": "Sent twice.", "kind": "gap"}
    client.post(url, data=form)
    client.post(url, data=form)
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 2


def test_times_are_the_host_citys_and_the_page_lists_the_newest_notes(client, login, visit):
    login(visit["peer"])
    for n in range(35):
        _note(client, visit, text=f"Note number {n}.")
    page = client.get(f"/reviews/{visit['review'].id}/observations").get_data(as_text=True)
    obs = db.session.scalars(select(Observation).order_by(Observation.id.desc())).first()
    assert moment(obs.created_at, "Europe/Brussels") in page  # "17 Jun 2026, 11:30 CEST"
    assert "Note number 34." in page and "Note number 0." not in page
    assert "Show all 35 notes" in page
    every = client.get(f"/reviews/{visit['review'].id}/observations?all=1").get_data(as_text=True)
    assert "Note number 0." in every


def test_static_files_carry_their_content_in_their_address(client, login, visit):
    login(visit["peer"])
    page = client.get(f"/reviews/{visit['review'].id}/observations").get_data(as_text=True)
    assert "/static/js/capture.js?v=" in page
    address = page.split('src="', 2)[1].split('"')[0] if 'src="' in page else ""
    assert "?v=" in address
    res = client.get(address)
    assert res.status_code == 200 and "immutable" in res.headers["Cache-Control"]
    worker = client.get("/sw.js").get_data(as_text=True)
    assert "/static/js/capture.js?v=" in worker and "__ASSETS__" not in worker


@pytest.mark.parametrize("language", ["en", "fr", "el", "pl"])
def test_a_moment_names_the_local_day_and_hour(app, language):
    """moment() writes the day of the moment in the place's time (remembered as a plain day):
    the same text as Babel's own formatting of that moment, across midnight and zones."""
    from datetime import datetime

    from babel.dates import format_skeleton

    from peerreview.formatting import _loc

    with app.test_request_context("/"):
        for stored in (datetime(2026, 3, 28, 23, 30), datetime(2026, 10, 24, 22, 59), datetime(2026, 6, 1, 0, 1)):
            for zone in ("Europe/Athens", "Europe/Lisbon", "America/New_York", None):
                local = local_datetime(stored, zone)
                expected = (f"{format_skeleton('yMMMd', local, locale=_loc(language))}, "
                            f"{local.hour:02d}:{local.minute:02d} {zone_abbreviation(local, language)}")
                assert moment(stored, zone, language) == expected
