"""Forming a review team in the browser: run the matcher, read why, check a swap that breaks a
rule, send the invitations; the pool and the team page on a phone. Every page is audited
with axe-core."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from peerreview.formatting import date_range
from tests.browser.conftest import (
    assert_accessible,
    expect_flash_with,
    login,
    no_horizontal_scroll,
    outbox_messages,
    snap,
)
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def team_world(db_session, make_city, make_user, make_review, make_benchmark):
    from peerreview.matching.models import PeerExpertise, PeerProfile

    milan = make_city("Milan", "IT", timezone="Europe/Rome")
    bench = make_benchmark("Diversity in administration")
    review = make_review("team_forming", host=milan, benchmark=bench,
                         visit_start=date.today() + timedelta(days=60), team_min=3, team_max=3,
                         min_countries=2)
    peers = {}
    for name, city, country, level, trained in [
            ("Anna Hofer", "Vienna", "AT", "expert", True), ("Bruno Silva", "Lisbon", "PT", "some", False),
            ("Clara Berg", "Gothenburg", "SE", "some", True), ("Dirk Weber", "Munich", "DE", None, False)]:
        user = make_user(name, city=make_city(city, country), languages=["en"])
        profile = PeerProfile(user=user, trained=trained)
        if level:
            profile.expertise.append(PeerExpertise(theme_id=bench.theme_id, level=level))
        db_session.add(profile)
        peers[name.split()[0]] = user
    coordinator = make_user("Hanna Coordinator", coordinator=True)
    db_session.commit()
    return {"review": review, "peers": peers, "coordinator": coordinator}


def test_coordinator_forms_a_team_with_the_matcher(page, phone_page, live_server, team_world, db_session):
    review, peers = team_world["review"], team_world["peers"]
    login(page, live_server, team_world["coordinator"].email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/reviews/{review.id}")
    page.get_by_role("link", name="Manage the team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Form the team")
    page.get_by_role("button", name="Run the matcher").click()
    expect_flash_with(page, "The matcher proposes 3 peers")
    expect(page.get_by_text("This team meets every rule.")).to_be_visible()
    expect(page.locator(".mt-card").first).to_contain_text("expert in Diversity in administration")
    expect(page.get_by_role("heading", name="Strong candidates left out")).to_be_visible()
    assert_accessible(page)
    snap(page, "team")

    # Anna is the only expert: swapping her out is shown to break that rule before saving
    page.select_option("#out_id", label="Anna Hofer")
    page.select_option("#in_id", value=str(peers["Dirk"].id))
    page.get_by_role("button", name="Check the change").click()
    expect(page.get_by_role("alert")).to_contain_text("no one on the team is an expert")
    assert_accessible(page)
    snap(page, "swap-check")
    page.get_by_role("button", name="Save the change").click()
    expect_flash_with(page, "Tick", "Save anyway")

    page.goto(f"{live_server.url}/reviews/{review.id}/team/manage")
    page.get_by_role("button", name="Send 3 invitations").click()
    expect_flash_with(page, "Invitations sent to 3 peers")
    invited = [m["To"] for m in outbox_messages(live_server.app)
               if "Invitation to the review team" in m["Subject"]]
    assert sorted(invited) == sorted(p.email for k, p in peers.items() if k != "Dirk")

    login(phone_page, live_server, team_world["coordinator"].email, TEST_PASSWORD)
    phone_page.goto(f"{live_server.url}/reviews/{review.id}/team/manage")
    no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)
    snap(phone_page, "team-phone")
    phone_page.goto(f"{live_server.url}/peers/")
    no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)
    snap(phone_page, "pool-phone")


def test_a_peer_fills_in_a_profile_and_answers_a_call(page, live_server, team_world):
    dirk = team_world["peers"]["Dirk"]
    login(page, live_server, dirk.email, TEST_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Peer profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your peer profile")
    page.get_by_role("group", name="Diversity in administration").get_by_label("Some").check()
    page.get_by_role("button", name="Save my profile").click()
    expect_flash_with(page, "Your peer profile is saved.")
    page.fill("#start", "2031-07-01")
    page.fill("#end", "2031-07-14")
    page.get_by_role("button", name="Add the period").click()
    expect(page.locator("#unavailable")).to_contain_text(date_range(date(2031, 7, 1), date(2031, 7, 14)))
    page.get_by_role("button", name="I would like to join").click()
    expect(page.locator("#calls")).to_contain_text("Your answer: I would like to join")
    assert_accessible(page)
    snap(page, "profile")
