"""The library on a 360 px phone: a member of another city searches, opens the filters, and
follows a result to its place in the shared report; anyone reads a public good practice
without logging in; the heatmap fits the phone. Each page passes the axe-core audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login, no_horizontal_scroll, snap
from tests.conftest import TEST_PASSWORD
from tests.library_helpers import issued_report
from tests.reviews_helpers import make_benchmark  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def shelf(db_session, make_city, make_user, make_benchmark):
    bench = make_benchmark("Language courses", key_factors=3)
    ghent, lisbon = make_city("Ghent", "BE"), make_city("Lisbon", "PT")
    today = date.today()
    shared = issued_report(
        db_session, host=ghent, benchmark=bench, issued_on=today - timedelta(days=300), level="network",
        findings={0: ("1", "Intake letters go out in one language only."), 1: ("2", "Classes are full.")},
        recs=[(0, "Translate the intake letters into the five most spoken languages of newcomers.",
               "accepted", "done", today - timedelta(days=60)),
              (1, "Hold back this one.", None, None, None)],
        practices="- Language houses in eleven libraries.", withheld=("R2",))
    public = issued_report(
        db_session, host=lisbon, benchmark=bench, issued_on=today - timedelta(days=40), level="public",
        findings={0: ("3", "Every newcomer is booked for an intake at registration.")},
        practices="- Intake booked at the registration desk on the day a newcomer registers, with an "
                  "interpreter on the telephone for every language the city hears.")
    member = make_user("Giulia Ferraro", city=make_city("Genoa", "IT"))
    return bench, shared, public, member


def test_search_on_a_phone_and_a_public_practice_without_login(phone_page, live_server, shelf):
    bench, shared, public, member = shelf
    page = phone_page
    login(page, live_server, member.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/library/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Library")
    page.get_by_label("Words").fill("intake letters")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status").filter(has_text="result")).to_contain_text("2 results")
    result = page.get_by_role("link", name="Translate the intake letters into the five most spoken languages of newcomers.")
    expect(page.locator(".lib-outcome").filter(has_text="Done,")).to_be_visible()
    no_horizontal_scroll(page)
    assert_accessible(page)
    snap(page, "library-search-phone")
    page.locator(".lib-filters summary").click()
    expect(page.get_by_label("Follow-up")).to_be_visible()
    no_horizontal_scroll(page)
    with page.expect_navigation():
        result.click()
    expect(page).to_have_url(f"{live_server.url}/library/reviews/{shared.id}#R1")
    expect(page.locator("#R1")).to_contain_text("Translate the intake letters")
    expect(page.locator("#R2")).to_have_count(0)
    no_horizontal_scroll(page)
    assert_accessible(page)
    page.goto(f"{live_server.url}/library/themes/{bench.theme_id}")
    expect(page.locator("svg.library-chart").first).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("Lisbon")
    no_horizontal_scroll(page)
    assert_accessible(page)
    snap(page, "library-heatmap-phone")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/public/reviews/{public.id}/P1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Intake booked at the registration desk")
    no_horizontal_scroll(page)
    assert_accessible(page)
    snap(page, "public-practice-phone")
    page.goto(f"{live_server.url}/public/")
    expect(page.get_by_role("link", name="Intake booked at the registration desk", exact=False).first).to_be_visible()
    no_horizontal_scroll(page)
    assert_accessible(page)
