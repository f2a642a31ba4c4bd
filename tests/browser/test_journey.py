"""The whole journey in a real browser, one person per browser, every step through the UI:

1. the host city's contact requests a review on anti-discrimination;
2. the secretariat accepts it, runs the matcher, chooses the lead and the rapporteur and
   invites the peers, who accept from the link in their e-mail; the team is complete;
3. the host city submits its self-assessment and the visit programme;
4. the lead starts the visit week; two peers write notes on 360 px phones, one of them offline
   for a while, and the queued notes arrive once, when the phone is back online;
5. the rapporteur agrees a rating for every key factor and writes the recommendations;
6. the secretariat sends the draft for the factual check; the host city comments; the team
   corrects the text and answers;
7. the secretariat issues the report; the host city downloads the PDF, which contains the
   recommendations and the correction;
8. a mentoring scheme pairs the city with a mentor city; the city turns recommendation 1 into an
   action, and the mentor finds the city and that action on the mentoring pages.

Every page is audited with axe-core and saved as a screenshot (test-artifacts/screenshots/
test_whole_journey-NN-*.png); the phone pages must not scroll sideways. The steps are in
journey_steps.py; a failure names the step.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser import journey_steps as steps
from tests.browser.conftest import SCREENSHOT_DIR
from tests.browser.journey_steps import Journey, step

pytestmark = pytest.mark.browser


@pytest.fixture
def journey(request, live_server, new_page, tmp_path, db_session, make_city, make_user, clock):
    for old in SCREENSHOT_DIR.glob(f"{request.node.name}-*.png"):  # screenshots of an earlier run
        old.unlink()
    world = steps.build_world(db_session, make_city, make_user)
    return Journey(live_server=live_server, new_page=new_page, tmp_path=tmp_path,
                   people=world["people"], kfs=world["kfs"],
                   visit_start=date.today() + timedelta(days=35), clock=clock)


def test_whole_journey(journey):
    with step(1, "the host city requests a review"):
        steps.request_review(journey)
    with step(2, "the secretariat accepts and forms the team with the matcher"):
        steps.accept_and_form_team(journey)
    with step(3, "the host city submits the self-assessment and the programme"):
        steps.self_assessment_and_programme(journey)
    with step(4, "two peers capture observations on phones, one offline for a while"):
        steps.visit_week_notes(journey)
    with step(5, "the rapporteur drafts ratings and recommendations"):
        steps.draft_report(journey)
    with step(6, "the factual check: the host city comments, the team answers"):
        steps.factual_check(journey)
    with step(7, "the secretariat issues the report; the PDF has the recommendations"):
        steps.issue_report(journey)
    with step(8, "a mentor follows the city's action from recommendation 1"):
        steps.mentoring(journey)
