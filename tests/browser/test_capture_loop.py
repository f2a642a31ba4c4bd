"""The capture loop on a 360 px phone: many notes in one meeting, a double tap, a photo taken
offline. Nothing is re-selected, nothing is stored twice, nothing is dropped."""

from __future__ import annotations

import time
from datetime import time as clock_time
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, login, no_horizontal_scroll, snap
from tests.conftest import FROZEN_NOW, TEST_PASSWORD

pytestmark = pytest.mark.browser

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
       b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
       b"\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def meeting(db_session, make_city, make_user, make_review, make_benchmark, today):
    """A visit in Ghent (Brussels time) with a session running at the frozen moment
    (09:30 UTC is 11:30 in Ghent) whose focus is KF2, and one in the afternoon."""
    from peerreview.reviews.models import VisitSession

    peer = make_user("Katharina Hofer", email="peer@example.org",
                     city=make_city("Vienna", "AT", timezone="Europe/Vienna"))
    bench = make_benchmark(key_factors=8)
    review = make_review("visit", host=make_city("Ghent", "BE", timezone="Europe/Brussels"),
                         benchmark=bench, visit_start=today - timedelta(days=1), team=[(peer, "lead")])
    kf2 = next(kf for kf in bench.key_factors if kf.code == "KF2")
    now = VisitSession(review=review, day=today, start_time=clock_time(11), end_time=clock_time(12, 30),
                       title="Meeting with the equality body", session_type="interview")
    now.key_factors.append(kf2)
    later = VisitSession(review=review, day=today, start_time=clock_time(14), end_time=clock_time(15),
                         title="Visit to the welcome desk", session_type="site_visit")
    db_session.add_all([now, later])
    db_session.commit()
    return {"review_id": review.id, "session_id": now.id, "kf2_id": kf2.id}


def _stored(db_session):
    from peerreview.observations.models import Observation

    db_session.commit()
    rows = db_session.execute(select(Observation.text, Observation.session_id, Observation.key_factor_id,
                                     Observation.kind, Observation.filename, Observation.file_id)
                              .order_by(Observation.id)).all()
    db_session.commit()
    return rows


def _wait_stored(db_session, count, with_file=0, seconds=15):
    deadline = time.monotonic() + seconds
    rows = _stored(db_session)
    while time.monotonic() < deadline and (len(rows) < count or sum(1 for r in rows if r.file_id) < with_file):
        time.sleep(0.2)
        rows = _stored(db_session)
    return rows


def test_five_notes_a_double_tap_and_an_offline_photo(phone_page, live_server, meeting, db_session):
    page = phone_page
    page.clock.install(time=FROZEN_NOW)  # the phone's clock agrees with the server's
    login(page, live_server, "peer@example.org", TEST_PASSWORD)
    url = f"{live_server.url}/reviews/{meeting['review_id']}/observations"
    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_selector("#capture-form[data-ready='1']")

    # the page is made for the phone: a compact header, the text box on the first screen,
    # the meeting happening now chosen, with its key factor
    assert page.locator("[data-menu-toggle]").is_visible()
    assert not page.locator("#site-menu").is_visible()
    assert page.locator("#text").bounding_box()["y"] < 250
    assert page.locator("#session_id").input_value() == str(meeting["session_id"])
    assert "(now)" in page.locator("#session_id option:checked").inner_text()
    assert "CEST" in page.locator("label[for=session_id]").inner_text()
    assert page.locator(f"input[name=key_factor_id][value='{meeting['kf2_id']}']").is_checked()
    no_horizontal_scroll(page)
    assert_accessible(page)
    snap(page, "ready")

    page.locator("label.chip", has_text="Gap").click()  # chosen once, kept for every note
    texts = [f"Point {n}: the desk refers complaints to the equality body." for n in range(1, 6)]
    for n, text in enumerate(texts, start=1):
        page.locator("#text").fill(text)
        page.locator("#capture-form button[type=submit]").click()
        page.wait_for_function("() => document.querySelector('#text').value === ''")
        assert page.evaluate("document.activeElement.id") == "text"
        page.wait_for_function("(t) => [...document.querySelectorAll('#notes li')].some(li => li.textContent.includes(t))",
                               arg=text)
        assert page.locator("#session_id").input_value() == str(meeting["session_id"])
        assert page.locator(f"input[name=key_factor_id][value='{meeting['kf2_id']}']").is_checked()
        assert page.locator("input[name=kind][value=gap]").is_checked()
        assert page.locator("#notes-count").inner_text() == str(n)
    snap(page, "five-notes")

    # a double tap on "Save note" stores one note
    page.locator("#text").fill("Tapped twice: the leaflet is only in Dutch.")
    page.locator("#capture-form button[type=submit]").dblclick()
    page.wait_for_function("() => document.querySelector('#notes-count').textContent === '6'")
    time.sleep(0.5)
    assert len(_stored(db_session)) == 6

    # offline with a photo: it waits on the phone with its note, also across a reload
    page.context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    page.locator("#text").fill("Photo of the notice board at the entrance.")
    page.set_input_files("#file", files=[{"name": "board.png", "mimeType": "image/png", "buffer": PNG}])
    page.locator("#capture-form button[type=submit]").click()
    page.wait_for_selector("#queue-list li")
    assert "with a photo" in page.locator("#queue-list .badge").inner_text()
    assert page.locator("#file").input_value() == ""
    page.reload()
    page.wait_for_selector("#capture-form[data-ready='1']")
    page.wait_for_function("document.querySelector('#queue-count').textContent === '1'")
    assert "board.png" in page.locator("#queue-list").inner_text()
    assert page.locator("input[name=kind][value=gap]").is_checked()  # the choices survive a reload
    assert len(_stored(db_session)) == 6
    no_horizontal_scroll(page)
    snap(page, "offline-photo-waiting")

    page.context.set_offline(False)
    rows = _wait_stored(db_session, 7, with_file=1)
    page.wait_for_function("document.querySelector('#queue').hidden")
    assert [r.text for r in rows] == texts + ["Tapped twice: the leaflet is only in Dutch.",
                                              "Photo of the notice board at the entrance."]
    assert {(r.session_id, r.key_factor_id, r.kind) for r in rows} == {
        (meeting["session_id"], meeting["kf2_id"], "gap")}
    assert [r.filename for r in rows if r.file_id] == ["board.png"]
    assert page.locator("#notes").get_by_role("link", name="board.png").count() == 1
    snap(page, "synced")

    page.reload()  # nothing is sent twice
    page.wait_for_selector("#capture-form[data-ready='1']")
    time.sleep(0.5)
    assert len(_stored(db_session)) == 7
    assert page.errors == []
