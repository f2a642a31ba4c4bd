"""Nothing typed is lost: a file added next to unsaved text, a draft left behind by leaving the
page, a form sent with a mistake. (The double tap and the offline photo: test_capture_loop.py.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, login, no_horizontal_scroll, snap
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def host(db_session, make_city, make_user, make_review):
    ghent = make_city("Ghent", "BE", timezone="Europe/Brussels")
    contact = make_user("Hanne Host", email="host@example.org", city=ghent, city_role="contact")
    review = make_review("preparing", host=ghent)
    kfs = list(review.benchmark.key_factors)
    db_session.commit()
    return {"contact": contact, "review_id": review.id, "kf1": kfs[0].id, "kf2": kfs[1].id}


def _entries(db_session):
    from peerreview.reviews.models import SelfAssessmentEntry

    db_session.commit()
    rows = {e.key_factor_id: (e.rating, e.narrative, [f.filename for f in e.files])
            for e in db_session.scalars(select(SelfAssessmentEntry))}
    db_session.commit()
    return rows


def test_adding_a_file_keeps_the_rating_and_text_typed_before(phone_page, live_server, host, db_session):
    page = phone_page
    login(page, live_server, "host@example.org", TEST_PASSWORD)
    page.goto(f"{live_server.url}/reviews/{host['review_id']}/self-assessment")
    kf1 = host["kf1"]
    page.locator(f"#rating_{kf1}").select_option("1")
    page.locator(f"#narrative_{kf1}").fill("Courses exist in two districts out of nine.")
    page.set_input_files(f"#file_{kf1}", files=[{"name": "survey.pdf", "mimeType": "application/pdf",
                                                  "buffer": PDF}])
    page.locator(f"#kf-{kf1}").get_by_role("button", name="Save and add the file").click()
    expect(page.locator(".flash-success")).to_contain_text("File added to KF1")
    assert _entries(db_session)[kf1] == ("1", "Courses exist in two districts out of nine.", ["survey.pdf"])
    expect(page.locator(f"#narrative_{kf1}")).to_have_value("Courses exist in two districts out of nine.")
    no_horizontal_scroll(page)
    snap(page, "file-added")

    # a refused file: the error is summarised at the top, the typed text is still in the form
    page.locator(f"#narrative_{host['kf2']}").fill("Typed next to a file that is refused.")
    page.set_input_files(f"#file_{host['kf2']}", files=[{"name": "notes.exe", "mimeType": "application/octet-stream",
                                                          "buffer": b"MZ"}])
    page.locator(f"#kf-{host['kf2']}").get_by_role("button", name="Save and add the file").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.locator(f"#narrative_{host['kf2']}")).to_have_value("Typed next to a file that is refused.")
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(page.locator(f"#file_{host['kf2']}")).to_be_focused()
    snap(page, "file-refused")


def test_leaving_asks_first_and_the_draft_comes_back(phone_page, live_server, host, db_session):
    page = phone_page
    login(page, live_server, "host@example.org", TEST_PASSWORD)
    url = f"{live_server.url}/reviews/{host['review_id']}/self-assessment"
    page.goto(url)
    kf2 = host["kf2"]
    page.locator(f"#narrative_{kf2}").fill("Half a page written on the train, not saved yet.")
    page.locator(f"#narrative_{kf2}").press("End")
    page.wait_for_timeout(600)  # the draft is kept a moment after typing stops

    asked = []

    def on_dialog(dialog):
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", on_dialog)
    page.get_by_role("link", name="Ghent: ").first.click()
    page.wait_for_url(f"{live_server.url}/reviews/{host['review_id']}")
    assert asked == ["beforeunload"]
    page.remove_listener("dialog", on_dialog)

    page.goto(url)
    expect(page.locator(".draft-note")).to_contain_text("Draft restored")
    expect(page.locator(f"#narrative_{kf2}")).to_have_value("Half a page written on the train, not saved yet.")
    snap(page, "draft-restored")
    assert _entries(db_session) == {}  # only the browser has it so far

    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".flash-success")).to_contain_text("Draft saved")
    assert _entries(db_session)[kf2][1] == "Half a page written on the train, not saved yet."
    page.reload()
    expect(page.locator(".draft-note")).to_have_count(0)  # saved: nothing left to restore

    # leaving a saved form does not ask
    page.on("dialog", lambda d: asked.append(d.type) or d.accept())
    page.get_by_role("link", name="Ghent: ").first.click()
    page.wait_for_url(f"{live_server.url}/reviews/{host['review_id']}")
    assert asked == ["beforeunload"]
