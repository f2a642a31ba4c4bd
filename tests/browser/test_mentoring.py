"""Mentoring in a real browser: a mentor follows two cities from the dashboard, records a
progress review through the form and reads the movement chart; a mentee keeps the plan.
Desktop and phone, with an axe-core audit of each page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    expect_flash_with,
    login,
    no_horizontal_scroll,
    snap,
)
from tests.conftest import TEST_PASSWORD
from tests.mentoring_helpers import baseline, mw  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_mentor_dashboard_progress_review_and_plan(page, phone_page, live_server, mw):
    from peerreview.extensions import db
    from peerreview.mentoring import plan

    baseline(mw)
    plan.add_action(mw.riga, plan.ActionInput(mw.kfs[0].id, "Send a welcome letter in four languages.",
                                              "Integration unit", mw.today + timedelta(days=10)), actor=mw.mentee)
    db.session.commit()

    login(page, live_server, mw.mentor.email, TEST_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mentoring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your mentorships")
    rows = page.locator("table.mn-board tbody tr")
    expect(rows).to_have_count(2)
    assert_accessible(page)
    snap(page, "dashboard")

    page.get_by_label("Sort by").select_option("city")
    page.get_by_role("button", name="Sort").click()
    expect(page).to_have_url(re.compile(r"sort=city"))
    expect(rows.nth(0)).to_contain_text("Athens")

    page.get_by_role("link", name="Riga").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Riga")
    expect(page.locator(".mn-attention")).to_contain_text("Send a welcome letter")
    page.get_by_role("link", name="Record a progress review").click()
    page.get_by_label("Date of the progress review").fill(mw.today.isoformat())
    page.locator(f"#rating_{mw.kfs[0].id}").select_option("2")
    page.locator(f"#rating_{mw.kfs[1].id}").select_option("0")
    page.get_by_label("Summary").fill("The letter goes out; nothing yet for family migrants.")
    assert_accessible(page)
    page.get_by_role("button", name="Save the progress review").click()
    expect_flash_with(page, "recorded")
    expect(page.locator("svg.mv-strip")).to_have_count(4)
    expect(page.locator("svg.mv-up")).to_have_count(1)
    expect(page.locator(".mv-text").first).to_contain_text("Partly in place → Largely in place")
    assert_accessible(page)
    snap(page, "mentorship")

    login(phone_page, live_server, mw.mentee.email, TEST_PASSWORD)
    for path in ("/mentoring/", f"/mentoring/{mw.riga.id}", f"/mentoring/{mw.riga.id}/plan",
                 f"/mentoring/{mw.riga.id}/needs"):
        phone_page.goto(live_server.url + path)
        no_horizontal_scroll(phone_page)
        assert_accessible(phone_page)
        snap(phone_page, path.strip("/").replace("/", "-") + "-phone")
