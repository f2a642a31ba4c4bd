"""A peer captures observations on a phone with the connection gone, and nothing is lost."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, login, no_horizontal_scroll, snap
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def visit(db_session, make_city, make_user, make_review):
    peer = make_user("Katharina Hofer", email="peer@example.org",
                     city=make_city("Vienna", "AT", timezone="Europe/Vienna"))
    review = make_review("visit", host=make_city("Ghent", "BE"), team=[(peer, "lead")])
    db_session.commit()
    return {"peer": peer, "review_id": review.id}


def _stored_texts(db_session):
    from peerreview.observations.models import Observation

    db_session.commit()  # see what the server committed meanwhile
    texts = sorted(db_session.scalars(select(Observation.text)).all())
    db_session.commit()  # and release the database at once: the server is writing
    return texts


def test_offline_capture_survives_a_reload_and_syncs_exactly_once(phone_page, live_server, visit, db_session):
    page = phone_page
    login(page, live_server, "peer@example.org", TEST_PASSWORD)
    url = f"{live_server.url}/reviews/{visit['review_id']}/observations"
    page.goto(url)
    # the service worker takes control, then the page is loaded once through it (and cached)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_selector("#capture-form[data-ready='1']")
    assert_accessible(page)
    no_horizontal_scroll(page)
    snap(page, "online")

    page.context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    texts = ["Queue at the reporting point at 9:00, twelve people waiting.",
             "Leaflets only in Dutch and English.",
             "Staff member: 'We refer most cases to the equality body.'"]
    for text in texts:
        page.fill("#text", text)
        page.locator("#capture-form button[type=submit]").click()
        page.wait_for_function(
            "(t) => [...document.querySelectorAll('#queue-list li')].some(li => li.textContent.includes(t))", arg=text)
    assert page.locator("#queue-count").inner_text() == "3"
    assert page.locator("#queue-list .badge").all_inner_texts() == ["waiting to send"] * 3
    assert _stored_texts(db_session) == []
    snap(page, "offline-queued")

    page.reload()  # still offline: the service worker serves the saved page
    page.wait_for_selector("#capture-form[data-ready='1']")
    page.wait_for_function("document.querySelector('#queue-count').textContent === '3'")
    assert "Offline" in page.locator("#net-status").inner_text()
    snap(page, "offline-after-reload")

    page.context.set_offline(False)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len(_stored_texts(db_session)) < 3:
        time.sleep(0.2)
    assert _stored_texts(db_session) == sorted(texts)
    page.wait_for_load_state()
    page.wait_for_selector("#capture-form[data-ready='1']")
    page.wait_for_function("document.querySelector('#queue').hidden")
    for text in texts:
        assert page.locator("#notes").get_by_text(text).count() == 1
    # pressing "send now" or reloading again sends nothing twice
    page.reload()
    page.wait_for_selector("#capture-form[data-ready='1']")
    time.sleep(0.5)
    assert _stored_texts(db_session) == sorted(texts)
    snap(page, "synced")
    assert page.errors == []


def test_capture_works_without_javascript(browser, live_server, visit, db_session):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        login(page, live_server, "peer@example.org", TEST_PASSWORD)
        page.goto(f"{live_server.url}/reviews/{visit['review_id']}/observations")
        page.fill("#text", "Written with scripts turned off.")
        page.locator("label.chip", has_text="Strength").click()
        with page.expect_navigation():
            page.locator("#capture-form button[type=submit]").click()
        assert "Note saved." in page.content()
        assert _stored_texts(db_session) == ["Written with scripts turned off."]
    finally:
        context.close()
