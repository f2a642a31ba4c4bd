"""Steps of the whole-journey browser test (test_journey.py): a review from the host city's
request to the issued report, then a mentor following the city's action plan.

Only the starting point is made in Python (cities, people, the benchmark, the peer pool);
every step of the workflow is clicked and typed in chromium by the person who does it, each in
a browser of their own. Every page a step visits is audited with axe-core and saved as a
screenshot (``NN-<who>-<page>``); the phone pages must also fit 360 px.

Dates: the application takes "today" from ``date.today()``. The visit is set five weeks ahead,
as a real request would be, so every preparation deadline lies in the future. The steps tied to
the visit dates wait for them: the clock (the ``clock`` fixture, shared by the live server)
moves to the first visit day before the visit week starts, to the last one before the report
starts, to the day after the visit for the drafting, and a few days later for the issue
(everyone logs in again each time: sessions last hours). The factual check's deadline (after
today, at most 60 days away) is chosen two weeks from that day.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    flash_texts,
    link_in,
    login,
    no_horizontal_scroll,
    outbox_messages,
    snap,
)
from tests.conftest import TEST_PASSWORD

THEME = "Anti-discrimination"
KEY_FACTORS = [
    ("KF1", "Political commitment backed by a written policy and budget",
     ["Is there a council decision on anti-discrimination?", "Which budget line pays for it?"]),
    ("KF2", "Residents can report discrimination easily and get support",
     ["Where can residents report, and in which languages?", "Who follows a report up?"]),
    ("KF3", "Staff are trained and held to clear standards",
     ["Who is trained, and how often?", "What happens when a standard is broken?"]),
]
QUESTIONS = ["Why do so few residents report discrimination to the city?",
             "Is our equality office placed where it can change other departments?"]
TITLES = {code: title for code, title, _questions in KEY_FACTORS}
SESSIONS = [
    ("09:00", "10:30", "Interview with the equality office", "interview", "City hall, room 2.14",
     "Equality office; head of HR", ["City department"], ["KF1", "KF3"]),
    ("11:00", "12:30", "Focus group with migrant organisations", "focus_group",
     "Community centre Dampoort", "Five migrant organisations; the anti-racism network",
     ["Migrant organisation", "NGO"], ["KF2"]),
]
# (session, key factor, kind, text): the lead writes online, the third peer partly offline
NOTES_ONLINE = [
    (1, "KF1", "Strength", "The 2024 action plan has its own budget line of 420,000 euro a year."),
    (2, "KF2", "Gap", "The reporting form is only in Dutch and needs a digital identity card."),
]
NOTES_OFFLINE = [
    (2, "KF2", "Evidence or quote",
     "Organisation: 'People tell us, not the city; they fear it costs their permit.'"),
    (1, "KF3", "Gap", "Front-desk staff had no training on discrimination in the last three years."),
]
RATINGS = {"KF1": "2", "KF2": "1", "KF3": "1"}          # the team's agreed ratings
SELF_RATINGS = {"KF1": "3", "KF2": "2", "KF3": "1"}     # the host's own
RECOMMENDATIONS = [
    ("KF2", "Open a reporting point in every district service centre and offer the form in the "
            "city's six most spoken languages, without a digital identity card.",
     "High", "Equality office with the district service centres", "6 months"),
    ("KF3", "Train all front-desk staff on recognising and handling discrimination within a year "
            "and repeat it every two years.", "Medium", "Human resources department", "12 months"),
]
TEXTS = [
    ("Write Executive summary",
     "Ghent has the political backing and the budget to act against discrimination. "
     "Residents still hardly report it to the city: the way to report is the main gap."),
    ("Write Answer to the city's question 1",
     "Residents do not know the reporting point, the form asks for a digital identity card, "
     "and many fear that a report could affect their residence permit."),
    ("Write Answer to the city's question 2",
     "Reporting to the mayor gives the office weight, but no department has to act on its advice."),
]
HOST_COMMENT = "The budget line is 480,000 euro a year since the 2025 budget, not 420,000."


@dataclass
class Journey:
    """What the steps share: the server, the people, their browsers, what was made so far."""

    live_server: object
    new_page: object
    tmp_path: Path
    people: dict
    kfs: dict                     # code -> key factor id
    visit_start: date
    clock: object = None          # the test's time-machine traveller (tests/conftest.py)
    pages: dict = field(default_factory=dict)
    review_id: int | None = None
    shots: int = 0
    login_checked: bool = False

    @property
    def url(self) -> str:
        return self.live_server.url

    def on_visit_day(self, day: int, hour: int) -> None:
        """Move the clock (the server's too) to ``hour`` UTC of visit day ``day`` (0: the first).
        Sessions last hours, not weeks: everyone logs in again, as they would."""
        self.clock.move_to(datetime.combine(self.visit_start + timedelta(days=day), time(hour), tzinfo=UTC))
        for who, page in self.pages.items():
            login(page, self.live_server, self.people[who].email, TEST_PASSWORD)

    @property
    def review_url(self) -> str:
        return f"{self.url}/reviews/{self.review_id}"

    def browser_of(self, who: str, *, phone: bool = False):
        """The person's own browser (a fresh context), logged in through the form."""
        if who not in self.pages:
            page = self.new_page(phone=phone)
            if not self.login_checked:
                page.goto(f"{self.url}/login")
                self.check(page, "login")
                self.login_checked = True
            login(page, self.live_server, self.people[who].email, TEST_PASSWORD)
            self.pages[who] = page
        return self.pages[who]

    def check(self, page, name: str) -> None:
        """The page as it is now: fits a phone (for phone pages), passes axe, screenshot."""
        if page.viewport_size["width"] <= 400:
            no_horizontal_scroll(page)
        assert_accessible(page)
        self.shots += 1
        snap(page, f"{self.shots:02d}-{name}")

    def mails_to(self, who: str, subject_part: str) -> list:
        address = self.people[who].email
        return [m for m in outbox_messages(self.live_server.app)
                if m["To"] == address and subject_part in m["Subject"]]


@contextmanager
def step(number: int, title: str):
    """Name the step in the failure message."""
    try:
        yield
    except (Exception, pytest.fail.Exception) as exc:
        raise AssertionError(f"journey step {number} ({title}) failed: {exc}") from exc


# --- helpers ------------------------------------------------------------------------------------

def nav(page):
    return page.get_by_role("navigation", name="Main")


def h1(page):
    return page.get_by_role("heading", level=1)


def expect_flash(page, text: str) -> None:
    expect(page.locator(".flash-success").filter(has_text=text)).to_be_visible()
    assert not page.locator(".flash-error").count(), flash_texts(page)


def current_state(page):
    return page.locator("ol.timeline li[aria-current=step]")


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        from tests.conftest import skip_or_fail

        skip_or_fail("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True,
                         text=True).stdout
    return " ".join(out.split())


# --- the starting point ---------------------------------------------------------------------------

def build_world(db_session, make_city, make_user) -> dict:
    """Cities, people, a published benchmark and a small peer pool (no review yet)."""
    from peerreview.framework.models import Benchmark, GuideQuestion, KeyFactor, Theme
    from peerreview.matching.models import PeerExpertise, PeerProfile
    from peerreview.timeutil import utcnow

    theme = Theme(slug="anti-discrimination", name=THEME,
                  description="How the city prevents and answers discrimination.")
    bench = Benchmark(theme=theme, version=1, status="published", source_note="journey test",
                      published_at=utcnow(),
                      standard="The city acts against discrimination as policy-maker, service "
                               "provider, employer and buyer.")
    db_session.add_all([theme, bench])
    kfs = {}
    for position, (code, title, questions) in enumerate(KEY_FACTORS, start=1):
        kf = KeyFactor(benchmark=bench, code=code, title=title, position=position,
                       description="", charter_roles=["policy_maker", "service_provider"])
        for i, text in enumerate(questions, start=1):
            kf.guide_questions.append(GuideQuestion(text=text, position=i))
        db_session.add(kf)
        kfs[code] = kf
    db_session.commit()

    ghent = make_city("Ghent", "BE", timezone="Europe/Brussels")
    people = {
        "coordinator": make_user("Hanna Secretariat", coordinator=True),
        "host": make_user("Ines Claes", city=ghent, city_role="contact", languages=["nl", "en"]),
        "mentor": make_user("Maartje de Vries", languages=["nl", "en"],
                            city=make_city("Rotterdam", "NL", timezone="Europe/Amsterdam")),
    }
    # The peer pool: the matcher should take the expert and the two with some expertise from
    # three countries, and leave out the peer without expertise in the theme.
    pool = [("lead", "Anna Hofer", "Vienna", "AT", "Europe/Vienna", "expert", True),
            ("rapporteur", "Bruno Silva", "Lisbon", "PT", "Europe/Lisbon", "some", False),
            ("peer", "Clara Berg", "Gothenburg", "SE", "Europe/Stockholm", "some", True),
            ("spare", "Dirk Weber", "Munich", "DE", "Europe/Berlin", None, False)]
    for key, name, city, country, tz, level, trained in pool:
        user = make_user(name, city=make_city(city, country, timezone=tz), languages=["en"])
        profile = PeerProfile(user=user, trained=trained)
        if level:
            profile.expertise.append(PeerExpertise(theme_id=theme.id, level=level))
        db_session.add(profile)
        people[key] = user
    db_session.commit()
    return {"people": people, "kfs": {code: kf.id for code, kf in kfs.items()}}


# --- 1. the host city requests a review --------------------------------------------------------

def request_review(j: Journey) -> None:
    page = j.browser_of("host")
    expect(h1(page)).to_have_text("Welcome, Ines Claes")
    j.check(page, "host-home")
    nav(page).get_by_role("link", name="Reviews").click()
    j.check(page, "host-reviews")
    page.get_by_role("link", name="Request a peer review").first.click()
    expect(h1(page)).to_have_text("Request a peer review")
    page.get_by_label("Theme", exact=True).select_option(label=THEME)
    page.get_by_label("Guiding question 1", exact=True).fill(QUESTIONS[0])
    page.get_by_label("Guiding question 2", exact=True).fill(QUESTIONS[1])
    page.get_by_label("Preferred visit window: from", exact=True).fill(j.visit_start.isoformat())
    last_day = (j.visit_start + timedelta(days=3)).isoformat()
    page.get_by_label("Preferred visit window: to", exact=True).fill(last_day)
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Background", exact=True).fill(
        "Ghent has 265,000 inhabitants; one in three has a migration background.\n"
        "The equality office was set up in 2019 and reports to the mayor.")
    j.check(page, "host-request-form")
    page.get_by_role("button", name="Save the draft").click()
    expect_flash(page, "Your request is saved as a draft")
    j.review_id = int(re.search(r"/reviews/(\d+)$", page.url).group(1))
    expect(current_state(page)).to_have_text("Draft request")
    j.check(page, "host-request-draft")
    page.get_by_role("button", name="Send the request to the secretariat").click()
    expect_flash(page, "the review is now requested")
    expect(current_state(page)).to_have_text("Requested")
    expect(page.get_by_role("main")).to_contain_text(QUESTIONS[0])
    j.check(page, "host-request-sent")


# --- 2. the secretariat accepts and forms the team ------------------------------------------------

def accept_and_form_team(j: Journey) -> None:
    page = j.browser_of("coordinator")
    nav(page).get_by_role("link", name="Reviews").click()
    j.check(page, "coordinator-reviews")
    page.get_by_role("main").get_by_role("link", name=re.compile("Ghent")).first.click()
    expect(h1(page)).to_have_text(THEME)
    expect(current_state(page)).to_have_text("Requested")
    j.check(page, "coordinator-review-requested")
    page.get_by_role("link", name="Accept the request").click()
    first_day = page.get_by_label("First day of the visit", exact=True)
    expect(first_day).to_have_value(j.visit_start.isoformat())       # the preferred window
    last_day = (j.visit_start + timedelta(days=3)).isoformat()
    page.get_by_label("Last day of the visit", exact=True).fill(last_day)
    page.get_by_label("Smallest team", exact=True).fill("3")
    page.get_by_label("Largest team", exact=True).fill("3")
    j.check(page, "coordinator-accept-form")
    page.get_by_role("button", name="Accept and fix the dates").click()
    expect_flash(page, "The request is accepted")
    expect(current_state(page)).to_have_text("Accepted")
    j.check(page, "coordinator-review-accepted")
    page.get_by_role("button", name="Start forming the team").click()
    expect_flash(page, "the review is now forming the team")
    j.check(page, "coordinator-review-team-forming")

    page.get_by_role("link", name="Manage the team").click()
    expect(h1(page)).to_have_text("Form the team")
    j.check(page, "coordinator-team-before-matcher")
    page.get_by_role("button", name="Run the matcher").click()
    expect_flash(page, "The matcher proposes 3 peers")
    expect(page.get_by_text("This team meets every rule.")).to_be_visible()
    cards = page.locator("#team .mt-card")
    expect(cards).to_have_count(3)
    for key in ("lead", "rapporteur", "peer"):
        expect(page.locator("#team")).to_contain_text(j.people[key].name)
    expect(page.locator(".mt-left")).to_contain_text("Dirk Weber")
    j.check(page, "coordinator-matcher-proposal")

    page.get_by_label("Team lead", exact=True).select_option(label="Anna Hofer")
    page.get_by_label("Rapporteur", exact=True).select_option(label="Bruno Silva")
    page.get_by_role("button", name="Save the roles").click()
    expect_flash(page, "Roles saved.")
    expect(page.locator("#team .mt-card").filter(has_text="Bruno Silva")).to_contain_text("rapporteur")
    j.check(page, "coordinator-roles-saved")
    page.get_by_role("button", name="Send 3 invitations").click()
    expect_flash(page, "Invitations sent to 3 peers")
    expect(page.locator("#team .mt-card.mt-invited")).to_have_count(3)
    j.check(page, "coordinator-invitations-sent")

    # each peer follows the link in the invitation and accepts
    for key, phone in (("lead", True), ("rapporteur", False), ("peer", True)):
        mails = j.mails_to(key, "Invitation to the review team")
        assert len(mails) == 1, f"{key}: {len(mails)} invitation e-mails"
        link = link_in(mails[0], f"/reviews/{j.review_id}")
        assert link.startswith(j.review_url), link
        peer = j.browser_of(key, phone=phone)
        peer.goto(link)
        expect(h1(peer)).to_have_text(THEME)
        mine = peer.get_by_role("region", name="Review team").get_by_role("listitem").filter(
            has_text=j.people[key].name)
        expect(mine).to_contain_text("invited")
        j.check(peer, f"{key}-invitation")
        mine.get_by_role("button", name="I accept").click()
        expect_flash(peer, "You are on the team")
        expect(mine).not_to_contain_text("invited")
        expect(mine.get_by_role("button")).to_have_count(0)
        j.check(peer, f"{key}-accepted")

    page.reload()
    expect(page.locator("#team .mt-card.mt-accepted")).to_have_count(3)
    expect(page.locator("#prepare-missing")).to_have_count(0)
    j.check(page, "coordinator-team-accepted")
    page.get_by_role("button", name="Team complete: start preparing").click()
    expect_flash(page, "the review is now preparing the visit")
    expect(current_state(page)).to_have_text("Preparing the visit")
    j.check(page, "coordinator-review-preparing")


# --- 3. the host city's self-assessment and visit programme ----------------------------------------

def self_assessment_and_programme(j: Journey) -> None:
    page = j.browser_of("host")
    page.goto(j.review_url)
    expect(current_state(page)).to_have_text("Preparing the visit")
    j.check(page, "host-review-preparing")
    page.get_by_role("link", name="Self-assessment").click()
    expect(h1(page)).to_have_text("Self-assessment")
    for code, _title, _q in KEY_FACTORS:
        kf_id = j.kfs[code]
        page.locator(f"#rating_{kf_id}").select_option(SELF_RATINGS[code])
        page.locator(f"#narrative_{kf_id}").fill(f"{code}: what Ghent does today, and where it stops.")
        page.locator(f"#evidence_{kf_id}").fill(f"Council decision and annual report ({code}).")
    j.check(page, "host-self-assessment-form")
    page.get_by_role("button", name="Save the draft").click()
    expect_flash(page, "Draft saved.")
    j.check(page, "host-self-assessment-draft")
    page.get_by_label("Yes, submit it").check()
    page.get_by_role("button", name="Submit the self-assessment").click()
    expect_flash(page, "The self-assessment is submitted")
    expect(page.locator(".page-head .badge")).to_contain_text("Submitted")
    j.check(page, "host-self-assessment-submitted")

    page.get_by_role("link", name=re.compile("Ghent: ")).first.click()
    expect(page.get_by_role("listitem").filter(has_text="Self-assessment")).to_contain_text("submitted")
    j.check(page, "host-review-self-assessment-submitted")
    page.get_by_role("link", name="Visit programme").click()
    expect(h1(page)).to_have_text("Visit programme")
    day = j.visit_start.isoformat()
    for n, (start, end, title, kind, venue, orgs, org_types, focus) in enumerate(SESSIONS):
        box = page.locator("#add-session")
        if not box.evaluate("d => d.open"):
            box.locator("summary").click()
        box.get_by_label("Day", exact=True).select_option(day)
        box.get_by_label("Starts", exact=True).fill(start)
        box.get_by_label("Ends", exact=True).fill(end)
        box.get_by_label("Title", exact=True).fill(title)
        box.get_by_label("Type", exact=True).select_option(kind)
        box.get_by_label("Venue", exact=True).fill(venue)
        box.get_by_label("Organisations met", exact=True).fill(orgs)
        for label in org_types:
            box.get_by_role("group", name="Types of organisation").get_by_label(
                label, exact=True).check()
        peers = box.get_by_role("group", name="Peers attending")
        for label in ("Anna Hofer (lead)", "Bruno Silva (rapporteur)", "Clara Berg"):
            peers.get_by_label(label, exact=True).check()
        for code in focus:
            box.get_by_role("group", name="Key factors in focus").get_by_label(
                f"{code} {TITLES[code]}", exact=True).check()
        if n == 0:
            j.check(page, "host-programme-form")
        box.get_by_role("button", name="Add the session").click()
        expect_flash(page, f"Session added: {title}")
        j.check(page, f"host-programme-{n + 1}-session{'s' if n else ''}")
    expect(page.locator(".prog-session")).to_have_count(2)
    expect(page.locator(".prog-clash")).to_have_count(0)


# --- 4. the visit week: notes on phones, one of them offline for a while ----------------------------

def _note(page, session: int, code: str, kind: str, text: str) -> None:
    page.locator("#session_id").select_option(index=session)  # 1, 2: the programme's sessions
    page.locator("#kf-chips label.chip").filter(has_text=f"{code} {TITLES[code]}").click()
    page.locator("label.chip").filter(has_text=kind).click()
    page.locator("#text").fill(text)
    page.locator("#capture-form button[type=submit]").click()


def visit_week_notes(j: Journey) -> None:
    lead = j.pages["lead"]
    j.on_visit_day(0, 7)  # the morning of the first visit day
    lead.goto(j.review_url)
    expect(current_state(lead)).to_have_text("Preparing the visit")
    j.check(lead, "lead-phone-review-preparing")
    lead.get_by_role("button", name="Start the visit week").click()
    expect_flash(lead, "the review is now visit week")
    expect(current_state(lead)).to_have_text("Visit week")
    j.check(lead, "lead-phone-visit-started")

    # the lead, online: each note goes to the server at once and the page shows the team's notes
    lead.get_by_role("link", name="Observations").click()
    lead.wait_for_selector("#capture-form[data-ready='1']")
    j.check(lead, "lead-phone-observations")
    for session, code, kind, text in NOTES_ONLINE:
        _note(lead, session, code, kind, text)
        expect(lead.locator("#notes")).to_contain_text(text)
        lead.wait_for_selector("#capture-form[data-ready='1']")
    j.check(lead, "lead-phone-notes-sent")

    # the third peer: the page is kept on the phone, then the connection goes
    peer = j.pages["peer"]
    peer.goto(f"{j.review_url}/observations")
    peer.evaluate("navigator.serviceWorker.ready.then(() => true)")
    peer.reload()
    peer.wait_for_function("navigator.serviceWorker.controller !== null")
    peer.wait_for_selector("#capture-form[data-ready='1']")
    expect(peer.locator("#notes")).to_contain_text(NOTES_ONLINE[0][-1])
    expect(peer.locator("#net-status")).to_have_text("Online")
    j.check(peer, "peer-phone-observations-online")
    peer.context.set_offline(True)
    peer.wait_for_function("!navigator.onLine")
    expect(peer.locator("#net-status")).to_contain_text("Offline")
    for session, code, kind, text in NOTES_OFFLINE:
        _note(peer, session, code, kind, text)
        expect(peer.locator("#queue-list")).to_contain_text(text)
    expect(peer.locator("#queue-count")).to_have_text("2")
    expect(peer.locator("#queue-list .badge")).to_have_text(["waiting to send"] * 2)
    j.check(peer, "peer-phone-offline-queued")
    peer.reload()                                # still offline: the saved page, the queue kept
    peer.wait_for_selector("#capture-form[data-ready='1']")
    expect(peer.locator("#queue-count")).to_have_text("2")
    expect(peer.locator("#net-status")).to_contain_text("Offline")
    j.check(peer, "peer-phone-offline-reloaded")

    peer.context.set_offline(False)              # back online: the queue is sent by itself
    for *_where, text in NOTES_OFFLINE:
        expect(peer.locator("#notes")).to_contain_text(text, timeout=20_000)
    peer.wait_for_selector("#capture-form[data-ready='1']")
    expect(peer.locator("#queue")).to_be_hidden()
    expect(peer.locator("#net-status")).to_have_text("Online")
    for *_where, text in NOTES_ONLINE + NOTES_OFFLINE:
        expect(peer.locator("#notes").get_by_text(text, exact=True)).to_have_count(1)
    j.check(peer, "peer-phone-synced")
    assert peer.errors == [], peer.errors

    # the lead sees the whole team's notes, by key factor too, then closes the visit week
    lead.reload()
    for *_where, text in NOTES_ONLINE + NOTES_OFFLINE:
        expect(lead.locator("#notes").get_by_text(text, exact=True)).to_have_count(1)
    j.check(lead, "lead-phone-team-notes")
    lead.get_by_role("link", name="By key factor").click()
    expect(h1(lead)).to_have_text("Observations by key factor")
    lead.locator(f"#rating-{j.kfs['KF2']}").select_option("1")
    lead.locator(f"#kf-{j.kfs['KF2']}").get_by_role("button", name="Save").click()
    expect_flash(lead, "Your suggested rating is saved.")
    j.check(lead, "lead-phone-by-key-factor")
    j.on_visit_day(3, 15)  # the afternoon of the last visit day
    lead.goto(j.review_url)
    expect(current_state(lead)).to_have_text("Visit week")
    j.check(lead, "lead-phone-review-visit")
    lead.get_by_role("button", name="Visit over: start the report").click()
    expect_flash(lead, "the review is now writing the report")
    expect(current_state(lead)).to_have_text("Writing the report")
    j.check(lead, "lead-phone-reporting")
    assert lead.errors == [], lead.errors


# --- 5. the rapporteur drafts ratings, texts and recommendations ------------------------------------

def draft_report(j: Journey) -> None:
    j.on_visit_day(4, 8)  # the day after the visit
    page = j.pages["rapporteur"]
    page.goto(j.review_url)
    expect(current_state(page)).to_have_text("Writing the report")
    j.check(page, "rapporteur-review-reporting")
    page.get_by_role("link", name="Report", exact=True).click()
    expect(h1(page)).to_have_text("Feedback report")
    expect(page.locator(".rp-missing")).to_contain_text("no team rating for KF1, KF2, KF3")
    j.check(page, "rapporteur-report-empty")

    for code, title, _q in KEY_FACTORS:
        page.get_by_role("link", name=f"Edit {code}", exact=True).click()
        expect(h1(page)).to_contain_text(title)
        page.get_by_label("The team’s agreed rating", exact=True).select_option(RATINGS[code])
        page.get_by_label("Why this rating", exact=True).fill(
            f"{code}: what the team saw during the visit week.")
        page.get_by_label("Strengths", exact=True).fill("- Committed staff\n- Clear political backing")
        page.get_by_label("Areas for improvement", exact=True).fill(
            "Reach residents who do not report today.")
        boxes = page.locator("input[name=observations]")
        for i in range(boxes.count()):
            boxes.nth(i).check()
        if code == "KF2":
            expect(page.locator(".rp-aside")).to_contain_text(j.people["lead"].name)  # suggested rating
        j.check(page, f"rapporteur-finding-{code}")
        page.get_by_role("button", name="Save", exact=True).click()
        expect_flash(page, f"{code} saved.")
    table = page.locator(".rp-kf-table")
    expect(table.locator(f"#kf-{j.kfs['KF1']}")).to_contain_text("Largely in place")
    j.check(page, "rapporteur-ratings-agreed")

    for link, text in TEXTS:
        page.get_by_role("link", name=link, exact=True).click()
        page.get_by_label("Text", exact=True).fill(text)
        j.check(page, "rapporteur-text-" + link.split()[-1].lower())
        page.get_by_role("button", name="Save", exact=True).click()
        expect_flash(page, "Saved.")

    for code, action, priority, owner, timeframe in RECOMMENDATIONS:
        page.get_by_role("link", name="Add a recommendation").click()
        expect(h1(page)).to_have_text("A new recommendation")
        page.get_by_label("Key factor", exact=True).select_option(label=f"{code} {TITLES[code]}")
        page.get_by_label("Action", exact=True).fill(action)
        page.get_by_label("Rationale", exact=True).fill(
            "What the peers heard from residents and staff.")
        page.get_by_role("group", name="Priority").get_by_label(priority, exact=True).check()
        page.get_by_label("Suggested owner", exact=True).fill(owner)
        page.get_by_label("Timeframe", exact=True).select_option(label=timeframe)
        j.check(page, f"rapporteur-recommendation-{code}")
        page.get_by_role("button", name="Add the recommendation").click()
        expect_flash(page, "Recommendation added.")
    recs = page.locator(".rp-rec")
    expect(recs).to_have_count(2)
    expect(recs.nth(0)).to_contain_text("R1")
    expect(recs.nth(0)).to_contain_text(RECOMMENDATIONS[0][1])
    expect(page.locator(".rp-ready")).to_be_visible()
    j.check(page, "rapporteur-report-drafted")


# --- 6. the factual check ---------------------------------------------------------------------------

def factual_check(j: Journey) -> None:
    coordinator = j.pages["coordinator"]
    coordinator.goto(j.review_url)
    j.check(coordinator, "coordinator-review-reporting")
    coordinator.get_by_role("link", name="Report", exact=True).click()
    expect(coordinator.locator(".rp-ready")).to_be_visible()
    deadline = date.today() + timedelta(days=14)   # after today, at most 60 days away
    coordinator.get_by_label("Comments due by", exact=True).fill(deadline.isoformat())
    j.check(coordinator, "coordinator-report-ready")
    coordinator.get_by_role("button", name="Send the draft to the host city").click()
    expect_flash(coordinator, "The draft is with the host city for its factual check")
    expect(coordinator.locator(".page-head .badge")).to_contain_text("Factual check")
    j.check(coordinator, "coordinator-factual-check-sent")

    host = j.pages["host"]
    mails = j.mails_to("host", "Factual check: the draft report on Ghent")
    assert len(mails) == 1, f"{len(mails)} factual-check e-mails to the host contact"
    link = link_in(mails[0], f"/reviews/{j.review_id}/report")
    host.goto(link)
    expect(host.get_by_role("heading", name="Factual check")).to_be_visible()
    expect(host.get_by_role("heading", name="Team discussion")).to_have_count(0)
    j.check(host, "host-factual-check")
    host.locator("#factual-check").get_by_role("link", name="Read the draft").click()
    expect(host.locator("body")).to_contain_text(RECOMMENDATIONS[0][1])
    j.check(host, "host-draft-preview")
    host.go_back()
    host.get_by_label("About", exact=True).select_option(label=f"KF1 {KEY_FACTORS[0][1]}")
    host.get_by_label("Your comment", exact=True).fill(HOST_COMMENT)
    host.get_by_role("button", name="Send the comment").click()
    expect_flash(host, "Comment sent to the review team.")
    expect(host.locator("#host-comments")).to_contain_text("awaiting the team's answer")
    j.check(host, "host-comment-sent")

    # the team corrects the figure and answers the comment
    rapporteur = j.pages["rapporteur"]
    rapporteur.goto(f"{j.review_url}/report")
    expect(rapporteur.locator(".rp-missing")).to_contain_text(
        "1 comment of the host city is not answered")
    j.check(rapporteur, "rapporteur-host-comment")
    rapporteur.get_by_role("link", name="Edit KF1", exact=True).click()
    j.check(rapporteur, "rapporteur-finding-KF1-correction")
    rapporteur.get_by_label("Why this rating", exact=True).fill(
        "KF1: a council decision and a budget line of 480,000 euro a year since 2025.")
    rapporteur.get_by_role("button", name="Save", exact=True).click()
    expect_flash(rapporteur, "KF1 saved.")
    comment = rapporteur.locator("#host-comments .comment").filter(has_text=HOST_COMMENT)
    comment.get_by_label("Changed in the text", exact=True).check()
    comment.get_by_label(re.compile("^Note")).fill("Corrected in KF1.")
    j.check(rapporteur, "rapporteur-answer-form")
    comment.get_by_role("button", name="Save the answer").click()
    expect_flash(rapporteur, "Answer saved.")
    expect(rapporteur.locator(".rp-ready")).to_be_visible()

    host.reload()
    expect(host.locator("#host-comments")).to_contain_text(
        "The team: Changed in the text. Corrected in KF1.")
    j.check(host, "host-comment-answered")


# --- 7. the secretariat issues the report; the host city downloads the PDF ---------------------------

def issue_report(j: Journey) -> None:
    j.on_visit_day(8, 9)  # the visit is over: the report can be issued
    coordinator = j.pages["coordinator"]
    coordinator.goto(f"{j.review_url}/report")
    expect(coordinator.locator(".rp-ready")).to_be_visible()
    coordinator.once("dialog", lambda dialog: dialog.accept())
    coordinator.get_by_role("button", name="Issue the report").click()
    # Issue returns at once; the page follows the background job and shows the version when
    # the worker has made it
    expect_flash(coordinator, "Version 1 of the report is being made")
    expect(coordinator.locator("#issuing")).to_contain_text("Issuing version 1")
    expect(coordinator.locator("#versions")).to_contain_text("Version 1", timeout=60_000)
    expect(coordinator.locator("#issuing")).to_have_count(0)
    j.check(coordinator, "coordinator-report-issued")

    host = j.pages["host"]
    host.goto(j.review_url)
    expect(current_state(host)).to_have_text("Report issued")
    j.check(host, "host-review-issued")
    host.get_by_role("link", name="Report", exact=True).click()
    with host.expect_download() as info:
        host.get_by_role("link", name="Download the issued report (version 1)").click()
    download = info.value
    assert download.suggested_filename == "peer-review-report-ghent-v1.pdf", \
        download.suggested_filename
    path = j.tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes()[:5] == b"%PDF-"
    text = pdf_text(path)
    for _code, action, _priority, owner, _timeframe in RECOMMENDATIONS:
        assert action in text, f"recommendation not in the PDF: {action!r}"
        assert owner in text, f"owner not in the PDF: {owner!r}"
    assert "Ghent" in text and THEME in text
    assert "480,000 euro" in text            # the correction of the factual check
    for _link, written in TEXTS:
        assert written in text, f"text not in the PDF: {written!r}"
    j.check(host, "host-report-issued")


# --- 8. a mentor follows the city as it acts on the recommendations --------------------------------

def mentoring(j: Journey) -> None:
    coordinator = j.pages["coordinator"]
    nav(coordinator).get_by_role("link", name="Mentoring").click()
    expect(h1(coordinator)).to_have_text("All mentorships")
    j.check(coordinator, "coordinator-mentoring-empty")
    coordinator.get_by_role("link", name="Create a scheme").click()
    coordinator.get_by_label("Name", exact=True).fill("Reporting discrimination 2026–27")
    coordinator.get_by_label("Theme", exact=True).select_option(label=THEME)
    coordinator.get_by_label("Starts on", exact=True).fill(date.today().isoformat())
    coordinator.get_by_label("Ends on", exact=True).fill(
        (date.today() + timedelta(days=540)).isoformat())
    coordinator.get_by_role("group", name="Mentor cities").get_by_label(
        "Rotterdam (NL)", exact=True).check()
    coordinator.get_by_role("group", name="Implementing cities").get_by_label(
        "Ghent (BE)", exact=True).check()
    j.check(coordinator, "coordinator-scheme-form")
    coordinator.get_by_role("button", name="Create the scheme").click()
    expect_flash(coordinator, "Scheme created")
    j.check(coordinator, "coordinator-scheme")
    coordinator.get_by_role("link", name="Pair cities").click()
    coordinator.get_by_label("Implementing city", exact=True).select_option(label="Ghent (BE)")
    for group, label in (("Mentor cities", "Rotterdam (NL)"),
                         ("Mentors", "Maartje de Vries (Rotterdam)"),
                         ("Mentees", "Ines Claes (Ghent)")):
        coordinator.get_by_role("group", name=group, exact=True).get_by_label(label, exact=True).check()
    j.check(coordinator, "coordinator-pair-cities")
    coordinator.get_by_role("button", name="Propose the mentorship").click()
    expect_flash(coordinator, "Mentorship proposed")
    j.check(coordinator, "coordinator-mentorship-proposed")
    coordinator.get_by_role("button", name="Start the mentorship").click()
    expect_flash(coordinator, "The mentorship is now active")
    j.check(coordinator, "coordinator-mentorship-active")

    # the mentee turns R1 of the issued report into an action (its code in the report)
    host = j.pages["host"]
    host.goto(j.url + "/")
    nav(host).get_by_role("link", name="Mentoring").click()
    j.check(host, "host-mentoring-dashboard")
    host.get_by_role("link", name="Ghent").click()
    expect(h1(host)).to_contain_text("mentored by Rotterdam")
    j.check(host, "host-mentorship")
    host.get_by_role("link", name="Action plan").click()
    j.check(host, "host-action-plan-empty")
    host.get_by_role("link", name="Add an action").click()
    recs = host.locator(".mn-recs")
    for _code, action, *_rest in RECOMMENDATIONS:
        expect(recs).to_contain_text(action)
    j.check(host, "host-action-from-recommendation")
    recs.get_by_role("link", name="Use this recommendation (R1)").click()
    expect(host.locator(".mn-from")).to_contain_text(f"Peer review of Ghent ({THEME}), R1")
    expect(host.get_by_label("What will be done", exact=True)).to_have_value(RECOMMENDATIONS[0][1])
    host.get_by_label("Indicator of success", exact=True).fill(
        "Reports to the city double within a year.")
    j.check(host, "host-action-form-prefilled")
    host.get_by_role("button", name="Add the action").click()
    expect_flash(host, "Action A1 added to the plan.")
    j.check(host, "host-action-plan")

    # the mentor finds Ghent on the dashboard and reads where its action comes from
    mentor = j.browser_of("mentor")
    nav(mentor).get_by_role("link", name="Mentoring").click()
    expect(h1(mentor)).to_have_text("Your mentorships")
    row = mentor.locator("table.mn-board tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Ghent")
    expect(row).to_contain_text("mentored by Rotterdam")
    j.check(mentor, "mentor-dashboard")
    row.get_by_role("link", name="Ghent").click()
    expect(h1(mentor)).to_contain_text("Ghent")
    j.check(mentor, "mentor-mentorship")
    mentor.get_by_role("link", name="Action plan").click()
    action = mentor.locator(".mn-action")
    expect(action).to_have_count(1)
    expect(action).to_contain_text(RECOMMENDATIONS[0][1])
    expect(action).to_contain_text(f"Peer review of Ghent ({THEME}), R1")
    j.check(mentor, "mentor-action-plan")
