"""The demo's earlier review: Barcelona, public perception of diversity, visited a little over
two years ago. Version 1 of the report was issued with six recommendations (R1-R6); a corrected
version 2 added one that the team had agreed at the feedback session (R7, under KF2): the
codes of version 1 did not move. The city responded, reported progress over two years, and the
review is closed. Idempotent: nothing happens once the report has a version.

Texts are written for the demo; people, figures and quotes are invented.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from peerreview.extensions import db

NAMESPACE = uuid.UUID("2b0c6e8a-9d3f-4f0e-8a57-1c4d2e6f9b30")

# (day, start, end, type, title, venue, organisations, organisation types, interpreter, focus)
PROGRAMME = [
    (0, "09:30", "11:00", "interview", "Welcome and briefing with the interculturality programme",
     "Interculturality programme office", "Interculturality programme", ["city_department"], False, [1, 3]),
    (0, "11:30", "12:30", "interview", "Meeting the commissioner for citizenship and interculturality",
     "City Hall, Plaça de Sant Jaume", "Commissioner's office", ["political_leadership"], False, [1, 6]),
    (0, "14:30", "16:30", "focus_group", "Anti-rumour agents from three districts", "Civic centre, Nou Barris",
     "Residents and shopkeepers trained as anti-rumour agents", ["residents", "ngo"], True, [3]),
    (1, "09:30", "11:00", "interview", "Press office and the communication department", "City Hall",
     "Press office, communication department", ["city_department"], False, [4, 5]),
    (1, "11:30", "13:00", "interview", "Editors of two local media and a community radio", "Press club",
     "Three editors", ["other"], False, [4]),
    (1, "15:00", "16:30", "interview", "The municipal survey team", "Municipal data office",
     "Survey and statistics team", ["city_department"], False, [2]),
    (2, "09:30", "11:00", "workshop", "Frontline staff of a district office", "District office, Sant Martí",
     "Front-office staff", ["service_provider"], False, [6]),
    (2, "11:30", "13:00", "site_visit", "A neighbourhood where a reception centre opened", "Sants-Montjuïc",
     "District staff, a residents' association", ["city_department", "residents"], True, [7]),
    (3, "10:00", "12:00", "feedback", "First feedback to the city", "City Hall",
     "Commissioner, interculturality programme", ["political_leadership", "city_department"], False, []),
]

# (author, programme item, key factor position, kind, who said it, text)
OBSERVATIONS = [
    ("peer_munich", 0, 1, "question", "political_leadership",
     "How does the communication line hold when a councillor of the governing coalition speaks "
     "off-message? Nobody could say who would answer."),
    ("peer_helsinki", 5, 2, "strength", "city_department",
     "The survey reaches about 6,000 residents and can be broken down by district; the questions on "
     "migration were tested with residents' groups first."),
    ("peer_lead", 2, 3, "good_practice", "residents",
     "Shopkeepers trained as anti-rumour agents answer the five most common rumours with the same "
     "short facts; two showed us the cards they keep by the till."),
    ("peer_rapporteur", 3, 4, "gap", "city_department",
     "The press office could not name a contact at any community radio or newspaper."),
    ("peer_helsinki", 6, 6, "gap", "service_provider",
     "Of about 30 front-office staff, four had taken the anti-rumour course: it is optional and held "
     "during opening hours."),
    ("peer_munich", 7, 7, "evidence", "residents",
     "Residents' association: \"We heard about the reception centre from the newspaper, the day the "
     "building work started.\""),
]

RATINGS = {1: "2", 2: "2", 3: "3", 4: "1", 5: "2", 6: "1", 7: "1"}

FINDINGS = {
    1: ("The city speaks about diversity with one voice across departments. The line is the "
        "government's, though, and has not been shared with the council's other groups.",
        "A written communication line that every department knows.",
        "Make the line the council's, not only the government's."),
    2: ("The municipal survey gives solid figures every two years and can show differences between "
        "districts, but the results on living together are not published by district.",
        "A large, regular survey with tested questions.",
        "Publish the district figures so that districts can act on them."),
    3: ("The anti-rumour network is the city's strongest tool: hundreds of organisations, trained "
        "agents among residents and shopkeepers, facts that are kept up to date.",
        "- More than 400 member organisations.\n- Agents trained among residents and shopkeepers.",
        "Reach the people who never come to the network's activities (see the answer to the city's "
        "question)."),
    4: ("Relations with the media are reactive: the press office answers well, but nobody keeps in "
        "touch with editors or community media between stories.",
        "Quick and accurate answers to journalists.",
        "Standing contacts with editors and community media."),
    5: ("The new image bank shows the city's real population; some departments still use stock photos.",
        "An image bank with residents of every district, used by most departments.",
        "One source of photos of residents for all publications."),
    6: ("Few frontline staff have taken the anti-rumour course, and councillors have never been "
        "offered it, though they are the ones residents quote most.",
        "A good course, available to every employee.",
        "Make it part of induction for frontline staff, and offer it to councillors."),
    7: ("Districts inform residents about new reception centres or places of worship once the "
        "decision is taken, and each district improvises what follows.",
        "District staff know their neighbourhoods well.",
        "Talk with residents before deciding, and share what works between districts."),
}

# (key factor position, priority, months, owner, action, rationale): version 1
RECOMMENDATIONS = [
    (1, "medium", 12, "Mayor's office with the council groups",
     "Discuss the communication line on diversity with every group in the council, so that it holds "
     "when the government changes.",
     "Today the line is the government's; the team heard opposition councillors question it."),
    (4, "medium", 6, "Press office with the interculturality programme",
     "Meet editors of the main local and community media twice a year, and offer them contacts and "
     "data on migration before a story breaks.",
     "The press office reacts well but keeps no standing relations with editors or community media."),
    (5, "low", 6, "Communication department",
     "Use the image bank as the only source of photos of residents in city publications, and stop "
     "buying stock photos.",
     "Stock photos still show a city that does not look like Barcelona."),
    (6, "high", 12, "Human resources with the interculturality programme",
     "Make the anti-rumour course part of the induction of every new frontline employee, and offer it "
     "to councillors after each election.",
     "Few frontline staff have taken the optional course and councillors were never offered it. "
     "Trained staff also make R5 work in the districts."),
    (7, "high", 6, "Districts with the interculturality programme",
     "Talk with residents before a decision on a reception centre or a place of worship is taken, with "
     "the district's anti-rumour agents taking part.",
     "Residents of Sants heard of the reception centre from the newspaper, once building had started."),
    (7, "medium", 12, "Two districts with the interculturality programme",
     "Agree with two districts a short protocol for the first weeks after such an opening: who answers "
     "which questions, and how rumours are followed up.",
     "Each district improvises; what worked in one is not known in the next."),
]
# Added for the corrected version 2: gets the next free code, R7, though it sits under KF2.
CORRECTION = (2, "medium", 12, "Municipal data office",
              "Publish the survey's results on living together for each district, with the questions "
              "asked, so that districts can follow their own figures.",
              "Agreed at the feedback session, and left out of version 1 by mistake.")
CORRECTION_NOTE = "R7, agreed at the feedback session, was missing from version 1. No other change."

SECTIONS = {
    "executive_summary": (
        "Barcelona's anti-rumour network is an example for the whole network: hundreds of member "
        "organisations, trained agents among residents and shopkeepers, and facts kept up to date. The "
        "city also speaks about diversity with one voice across its departments.\n\n"
        "The team sees two weak points. Frontline staff and councillors, who residents hear most, are "
        "rarely trained to handle difficult conversations (R4). And when a reception centre or a place "
        "of worship comes to a neighbourhood, residents are told once the decision is taken (R5)."),
    "host_context": (
        "Barcelona has about 1.7 million inhabitants; about a quarter were born abroad. The "
        "interculturality programme coordinates the city's work on living together and runs the "
        "anti-rumour strategy, started in 2010, with more than 400 organisations."),
    "answer_1": (
        "The network reaches people who already take part in community life. To reach others, the team "
        "suggests working where people are anyway: shops, markets, sports clubs and the front offices of "
        "the city. Trained frontline staff (R4) and agents in the districts when a neighbourhood changes "
        "(R5) do exactly that."),
    "good_practices": (
        "- The anti-rumour network and its trained agents among shopkeepers.\n"
        "- Fact sheets on the most common rumours, updated every year.\n"
        "- An image bank with photos of residents of every district."),
    "follow_up": (
        "The team suggests a meeting with the interculturality programme a year after this report. "
        "Vienna and Munich offered to share how they prepare residents before a reception centre opens."),
}

# {code: (response, reason, days after issue, [(days after issue, progress, note)])}
FOLLOW_UP = {
    "R1": ("accepted", "", 25, [(200, "in_progress", "Presented to the council's groups; two have endorsed "
                                                     "the line so far.")]),
    "R2": ("accepted", "", 25, [(90, "in_progress", "First meeting with editors held."),
                                (150, "done", "Second meeting held; contacts in migrant associations are "
                                              "shared with newsrooms.")]),
    "R3": ("accepted", "", 25, [(120, "in_progress", "Three departments still buy photos; they are asked "
                                                     "to stop."),
                                (330, "done", "Stock photos are no longer bought; every department uses "
                                              "the image bank.")]),
    "R4": ("partly", "Councillors are offered the course after each election; making it part of every "
                     "induction needs an agreement with the unions.", 25,
           [(300, "in_progress", "Agreement with the unions reached for front offices."),
            (520, "done", "The course is part of the induction of front-office staff; 34 councillors took "
                          "it after the election.")]),
    "R5": ("accepted", "", 25, [(60, "in_progress", "Guidance to the districts drafted."),
                                (250, "done", "Residents were consulted before both openings this year, "
                                              "with anti-rumour agents at the meetings.")]),
    "R6": ("not_accepted", "Each opening is different; the districts prefer to agree the approach case "
                           "by case, as R5 now asks.", 25, []),
    "R7": ("accepted", "", 25, [(300, "in_progress", "District figures published for the last survey; "
                                                     "the questions will follow.")]),
}
CLOSED_AFTER_DAYS = 700


def _observations(review, people) -> dict:
    from peerreview.observations.models import Observation

    sessions = sorted(review.sessions, key=lambda s: (s.day, s.start_time))
    kfs = review.benchmark.key_factors
    out: dict[int, list] = {}
    for n, (author, item, pos, kind, source, text) in enumerate(OBSERVATIONS):
        session = sessions[item]
        when = datetime.combine(session.day, session.end_time)
        obs = Observation(uuid=str(uuid.uuid5(NAMESPACE, f"{review.id}-{n}")), review=review,
                          author_id=people[author].id, session=session, key_factor=kfs[pos - 1], kind=kind,
                          source_type=source, text=text, created_at=when, updated_at=when)
        db.session.add(obs)
        out.setdefault(pos, []).append(obs)
    db.session.flush()
    return out


def _recommend(report, kfs, item, actor):
    from peerreview.reports import services as drafting

    pos, priority, months, owner, action, rationale = item
    return drafting.add_recommendation(report, drafting.RecommendationInput(
        key_factor_id=kfs[pos - 1].id, action=action, rationale=rationale, priority=priority, owner=owner,
        timeframe_months=months), actor=actor)


def load_barcelona(tally, people: dict, reviews: dict, today: date | None = None) -> None:
    from peerreview.demo import dates
    from peerreview.demo.issue import event, follow_up, issue_version
    from peerreview.reports import services as drafting

    today = today or date.today()
    review = reviews.get("barcelona_closed")
    if review is None or len(review.benchmark.key_factors) < 7:
        return
    if review.report is not None and review.report.versions:
        tally.seen(False)
        return
    tally.seen(True)
    coordinator = people["coordinator"]
    rapporteur = next((s.user for s in review.team if s.role == "rapporteur"), coordinator)
    notes = _observations(review, people)
    review.state = "reporting"
    report = drafting.get_or_create(review)
    kfs = review.benchmark.key_factors
    for item in RECOMMENDATIONS:
        _recommend(report, kfs, item, rapporteur)
    for key, body in SECTIONS.items():
        if report.section(key) is not None:
            drafting.save_section(report, key, body, base_version=None, actor=rapporteur)
    for f in drafting.findings_in_order(report):
        pos = kfs.index(f.key_factor) + 1
        rationale, strengths, improvements = FINDINGS[pos]
        drafting.save_finding(f, drafting.FindingInput(
            rationale=rationale, strengths=strengths, improvements=improvements,
            observation_ids=[o.id for o in notes.get(pos, [])], rating=RATINGS[pos], rating_given=True),
            base_version=None, actor=rapporteur, may_rate=True)
    end = review.visit_end
    report.factual_check_started_at = datetime.combine(dates.working_day(end + timedelta(days=16)), time(9))
    report.factual_check_deadline = dates.working_day(end + timedelta(days=24))
    report.factual_check_ended_at = datetime.combine(report.factual_check_deadline, time(17))
    first = dates.working_day(end + timedelta(days=29))
    issue_version(review, number=1, issued_on=first, coordinator=coordinator)
    event(review, "issued", first, actor=coordinator)
    review.state = "issued"      # a correction: the coordinator adds what was missing
    _recommend(report, kfs, CORRECTION, coordinator)
    second = dates.working_day(first + timedelta(days=21))
    issue_version(review, number=2, issued_on=second, coordinator=coordinator, note=CORRECTION_NOTE)
    contact = people.get("barcelona_contact") or coordinator
    follow_up(report, FOLLOW_UP, issued_on=first, author=contact, today=today)
    responded = min(u.on_date for r in report.recommendations for u in r.updates)
    event(review, "follow_up", responded, actor=contact, hour=9)
    closed = dates.working_day(first + timedelta(days=CLOSED_AFTER_DAYS), not_after=today - timedelta(days=1))
    event(review, "closed", closed, actor=coordinator, note="Two years of follow-up reported.")
    review.state = "closed"
    db.session.flush()
