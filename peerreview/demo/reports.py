"""The demo's feedback report: Rotterdam's review on introductory and language courses, issued
as version 1 with its PDF stored, and the city's follow-up since. Idempotent: nothing happens
once the report has a version.

The texts are written for the demo, as a review team of practitioners would write them; the
people, figures and quotes are invented. Cross-references name recommendations by the codes
the report gives them (R1 ... R9, in the order of the key factors).
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from peerreview.extensions import db

NAMESPACE = uuid.UUID("0b7d1f0e-5c8e-4a5e-9d43-6a0f3f2b8c11")

# (day, start, end, type, title, venue, organisations, organisation types, interpreter, focus)
PROGRAMME = [
    (0, "09:00", "10:30", "interview", "Welcome and briefing with the civic integration team",
     "City Hall, Coolsingel 40", "Social Affairs, civic integration team", ["city_department"], False, [1, 7]),
    (0, "11:00", "12:00", "interview", "Meeting the alderman for work and integration", "City Hall",
     "Alderman's office", ["political_leadership"], False, [2, 5]),
    (0, "13:30", "15:30", "site_visit", "Intake desk at the registration office", "City shop, Centrum",
     "Civil Affairs, intake advisers", ["city_department", "service_provider"], False, [1]),
    (1, "09:00", "10:30", "site_visit", "A morning class at a contracted language school",
     "Language school, Feijenoord", "Teachers and learners of a level A2 group", ["service_provider", "residents"], False, [3, 4]),
    (1, "11:00", "12:30", "focus_group", "Focus group with learners who left a course",
     "Library, Delfshaven", "Former learners; two migrant organisations", ["residents", "migrant_organisation"], True, [3, 4]),
    (1, "14:00", "15:30", "interview", "Language houses and the volunteer network", "Central Library",
     "Library, volunteer coordinators", ["ngo", "service_provider"], False, [2, 4]),
    (2, "09:00", "10:30", "interview", "Employment service and two employers", "Work square, South",
     "Employment service, a care provider, a logistics firm", ["city_department", "employer"], False, [5]),
    (2, "11:00", "12:30", "interview", "Contract management and procurement", "Timmerhuis",
     "Procurement office, contract managers", ["city_department"], False, [6]),
    (2, "14:00", "15:00", "interview", "Research and statistics", "Timmerhuis",
     "Research and statistics office", ["city_department"], False, [7]),
    (3, "10:00", "12:00", "feedback", "First feedback to the city", "City Hall",
     "Alderman, civic integration team", ["political_leadership", "city_department"], False, []),
]

# (author, programme item, key factor position, kind, who said it, text)
OBSERVATIONS = [
    ("peer_munich", 2, 1, "gap", "service_provider",
     "Intake advisers see a newcomer on average eleven weeks after registration; the letter "
     "inviting them is in Dutch and English only."),
    ("peer_athens", 2, 1, "strength", "city_department",
     "Every intake ends with a written learning route agreed with the learner, including a "
     "planned start date."),
    ("peer_helsinki", 5, 2, "gap", "ngo",
     "EU citizens and family migrants with no duty under the national act can only join "
     "volunteer conversation groups; there is no structured course for them."),
    ("peer_helsinki", 5, 2, "good_practice", "ngo",
     "Language houses in eleven libraries run by 400 trained volunteers, open to anyone, with "
     "a short placement test so people join a group at their level."),
    ("peer", 3, 3, "evidence", "service_provider",
     "Teacher: \"Of the 16 who started in September, nine are still here. Most of those who "
     "left found work or lost their childcare place.\""),
    ("peer_athens", 4, 3, "gap", "residents",
     "Focus group: five of eight participants stopped because classes clashed with shift work; "
     "nobody from the school called to ask why."),
    ("peer_munich", 4, 3, "evidence", "residents",
     "\"When I got a job at the distribution centre I had to choose. The course is only in the "
     "morning.\""),
    ("peer_athens", 4, 4, "gap", "residents",
     "Orientation modules start only at A2 level, so learners spend their first months without "
     "practical information on housing, health care and schools in a language they understand."),
    ("peer_helsinki", 3, 4, "strength", "service_provider",
     "The orientation module on the labour market uses real vacancy texts from Rotterdam firms "
     "and was updated this year."),
    ("peer", 6, 5, "good_practice", "employer",
     "A care provider runs a pilot where learners work three days and study two, with a mentor "
     "on the ward; eleven of twelve participants stayed."),
    ("peer_munich", 6, 5, "gap", "city_department",
     "Employment service and language schools use separate files; a learner who starts work "
     "is removed from the course list automatically."),
    ("peer_athens", 7, 6, "gap", "city_department",
     "Contracts pay per teaching hour delivered; there is no clause on continuation or results, "
     "and the last contract review was three years ago."),
    ("peer_helsinki", 7, 6, "strength", "city_department",
     "Contract managers visit every provider twice a year and keep a short public register of "
     "complaints and how they were handled."),
    ("peer", 8, 7, "evidence", "city_department",
     "Research office: enrolment and exam results are known per provider, but nothing about "
     "learners after they leave the course."),
]

RATINGS = {1: "2", 2: "1", 3: "1", 4: "2", 5: "1", 6: "1", 7: "1"}

FINDINGS = {
    1: ("Rotterdam has a clear intake process and every learner leaves it with a written route. "
        "The weak point is the time before the intake: eleven weeks on average, and longer for "
        "people who do not read Dutch or English.",
        "- Every intake ends with a learning route and a planned start date.\n"
        "- Intake advisers know the providers well and place learners quickly once they are seen.",
        "The first contact depends on a letter. People who move in with family or find work "
        "quickly often never answer it, and the city does not follow up."),
    2: ("The national scheme leaves out EU citizens and most family migrants who arrived before "
        "the current act. The city fills part of the gap through the language houses, but these "
        "are conversation groups, not courses that lead to a recognised level.",
        "- The language houses reach people no other service reaches, in eleven libraries.\n"
        "- Volunteers are trained and supported by library staff.",
        "There is no structured, funded course for people outside the national scheme, and the "
        "city does not know how many residents are in this position."),
    3: ("About four in ten learners leave within the first three months. The team heard the "
        "same reasons again and again: shift work, childcare and finding a job. Classes are "
        "almost all in the morning on weekdays.",
        "- Teachers know their learners and often know why someone left.\n"
        "- Two schools already offer a small evening group.",
        "- Learners who miss lessons are not contacted, so the city learns about drop-out months later.\n"
        "- Childcare is arranged separately and often ends before the course does.\n"
        "- A learner who starts work loses the course place."),
    4: ("The orientation programme is practical and recently updated, but it starts only at A2 "
        "level. In their first months newcomers get the information they most need in a "
        "language many of them do not yet understand.",
        "The module on work uses real Rotterdam vacancies and employers' expectations.",
        "Orientation in learners' first languages, early on, with former learners as co-trainers."),
    5: ("Rotterdam has promising pilots that combine work and language, but they are small and "
        "depend on individual employers. The employment service and the language schools work "
        "from separate files.",
        "The care provider's work-and-learn pilot kept eleven of twelve participants.",
        "Starting work should not end language learning: the systems of the employment service "
        "and the schools should let a learner keep the course place."),
    6: ("Providers are visited regularly and complaints are public, which is more than many "
        "cities do. But contracts pay for teaching hours only, so a provider gains nothing from "
        "keeping learners in the course or helping them on.",
        "Twice-yearly visits by contract managers and a public register of complaints.",
        "Outcome clauses in the next tender, with a premium for learners who have little schooling."),
    7: ("The city knows enrolment and exam results per provider, but not what happens to learners "
        "afterwards. Decisions about next year's offer are taken on numbers of places, not results.",
        "Good data on enrolment and exam results, reported to the council every year.",
        "Follow learners after the course: work, further education and language level."),
}

RECOMMENDATIONS = [
    (1, "high", 6, "Civic integration team (Social Affairs) with Civil Affairs",
     "Book every newcomer's intake appointment at the registration desk, at the moment of "
     "registration, so that the first language assessment takes place within four weeks instead "
     "of eleven.",
     "The letter people receive now is answered late or not at all; the registration desk sees "
     "every newcomer in person."),
    (3, "high", 3, "Contracted language schools; contract manager in Social Affairs",
     "Call every learner who misses two lessons in a row within one week, and record the reason in "
     "the learner's file.",
     "Drop-out is discovered months later and its reasons are not recorded case by case."),
    (3, "high", 12, "Education department with the contracted language schools",
     "Offer evening and Saturday classes in at least three districts, starting with Feijenoord "
     "and Delfshaven, and link every course place to a childcare place for its whole duration.",
     "Shift work and childcare were the first two reasons for leaving given in the focus group."),
    (5, "high", 12, "Employment service with the Education department and the employers' association",
     "Build two work-and-learn courses with employers in care and logistics, on the model of the "
     "care provider's pilot, and let learners keep their course place when they start work.",
     "The pilot kept eleven of twelve participants; today a learner who finds work loses the course."),
    (2, "medium", 12, "Social Affairs with the public library (language houses)",
     "Open a funded course track up to level A2 for EU citizens and family migrants outside the "
     "national scheme, and count how many residents are in this position.",
     "These residents can only join conversation groups, which do not lead to a recognised level."),
    (4, "medium", 6, "Civic integration team with migrant organisations",
     "Give the first orientation sessions in the ten most common first languages during a "
     "learner's first three months, with former learners as co-trainers.",
     "Orientation starts at A2 level now, months after people need the information."),
    (6, "medium", 24, "Procurement office with Social Affairs",
     "Add outcome clauses to the next tender: continuation after three and six months, and a "
     "premium for learners with little schooling, next to payment per teaching hour.",
     "Payment per hour gives providers no reason to keep learners or to enrol those who need most time."),
    (7, "medium", 12, "Research and statistics office with Social Affairs",
     "Follow a sample of learners six and twelve months after their course (work, further "
     "education, language level) and publish a yearly results note to the council.",
     "Next year's offer is planned on numbers of places, not on what courses achieve."),
    (1, "low", 3, "Civic integration team",
     "Publish each month the average waiting time from registration to intake and from intake to "
     "first lesson.",
     "A public figure keeps attention on the waiting time and shows the effect of changes."),
]

SECTIONS = {
    "executive_summary": (
        "Rotterdam runs one of the largest municipal language and civic integration programmes in "
        "the network, with a clear intake process, committed teachers and language houses in "
        "eleven libraries that reach people no other service reaches.\n\n"
        "The programme loses too many learners. About four in ten leave within three months, mostly "
        "because classes clash with shift work or childcare, or because they find a job and lose "
        "their course place. Nobody calls when a learner stops coming, so the city learns about "
        "drop-out months later. Newcomers also wait eleven weeks on average before their intake.\n\n"
        "The team recommends acting first on access and continuity: book intakes at registration, "
        "call learners who miss lessons, offer evening and weekend classes with childcare, and let "
        "learners keep their place when they start work. Over the next two years, the city should "
        "pay providers for results as well as hours and follow learners after their course."),
    "host_context": (
        "Rotterdam has about 670,000 inhabitants and more than half of them have a migration "
        "background. Each year about 4,000 newcomers start a language and civic integration route. "
        "Since the national act of 2022, the municipality is responsible for these routes again and "
        "commissions four language schools.\n\n"
        "The civic integration team in Social Affairs runs the intake; Civil Affairs registers new "
        "residents; the employment service supports people looking for work. Language houses in the "
        "public libraries, run with volunteers, are open to every resident."),
    "good_practices": (
        "- Language houses in eleven libraries, run by trained volunteers, open to every resident "
        "whatever their status. Helsinki will look at the placement test they use.\n"
        "- The care provider's work-and-learn pilot: three days of work and two of study, with a "
        "mentor on the ward.\n"
        "- A public register of complaints about language providers, with how each was handled.\n"
        "- Written learning routes agreed with every learner at intake."),
    "answer_1": (
        "From what the team saw and heard, drop-out after three months has three main causes. "
        "First, classes are almost all on weekday mornings, which does not fit shift work in "
        "logistics, cleaning and care. Second, childcare is arranged separately and often ends "
        "before the course does. Third, learners who find a job lose their course place, so "
        "success at work counts as drop-out.\n\n"
        "The city cannot see these causes today because absence is not followed up and reasons "
        "are not recorded. Recommendation R5 addresses the first two causes and R7 the third; R4 "
        "and R9 make the reasons and the results visible."),
    "follow_up": (
        "The team suggests a short online meeting with the civic integration team six months after "
        "this report, to go through the high-priority recommendations. Munich and Helsinki offered to "
        "share how they combine language courses with work placements, if Rotterdam wishes to be "
        "mentored on key factor 5."),
}


def _observations(review, people):
    from peerreview.observations.models import Observation

    sessions = sorted(review.sessions, key=lambda s: (s.day, s.start_time))
    kfs = review.benchmark.key_factors
    out = {}
    for n, (author, item, pos, kind, source, text) in enumerate(OBSERVATIONS):
        key = str(uuid.uuid5(NAMESPACE, f"{review.id}-{n}"))
        obs = db.session.query(Observation).filter_by(uuid=key).one_or_none()
        if obs is None:
            session = sessions[item] if item < len(sessions) else None
            at = datetime.combine(session.day, session.end_time) if session else datetime.combine(
                review.visit_start, time(18))
            obs = Observation(uuid=key, review=review, author_id=people[author].id, session=session,
                              key_factor=kfs[pos - 1], kind=kind, source_type=source, text=text,
                              created_at=at, updated_at=at)
            db.session.add(obs)
        out.setdefault(pos, []).append(obs)
    db.session.flush()
    return out


# The city's follow-up, by code: (response, reason, days after issue, [(days after issue,
# progress, note)]). R1, R4 and R5 are carried by the actions of Rotterdam's mentoring plan
# (peerreview/demo/mentoring.py): their progress comes from there, not from here.
FOLLOW_UP = {
    "R1": ("accepted", "", 9, []),
    "R2": ("accepted", "", 9, [
        (20, "in_progress", "Waiting times are now computed from the registration and intake systems; "
                            "the first figures went to the council committee."),
        (32, "done", "Published every month on the city's open data page, with the figures per district.")]),
    "R3": ("not_accepted", "There is no budget for a course track outside the national scheme in the "
                           "next two years. The language houses get a short placement test instead, as "
                           "a first step.", 9, []),
    "R4": ("accepted", "", 9, []),
    "R5": ("accepted", "", 9, []),
    "R6": ("accepted", "", 9, []),
    "R7": ("accepted", "", 9, []),
    "R8": ("partly", "Outcome clauses will be tried with one school first; the current contracts run "
                     "until 2027.", 9, []),
    "R9": ("accepted", "", 9, []),
}


def load_reports(tally, people: dict, reviews: dict, today=None) -> None:
    from datetime import date

    from peerreview.demo import dates
    from peerreview.demo.issue import event, follow_up, issue_version
    from peerreview.reports import services as drafting

    today = today or date.today()
    review = reviews.get("rotterdam_issued")
    if review is None or len(review.benchmark.key_factors) < 7:
        return
    if review.report is not None and review.report.versions:
        tally.seen(False)
        return
    tally.seen(True)
    rapporteur = next((s.user for s in review.team if s.role == "rapporteur"), None) or people["coordinator"]
    notes = _observations(review, people)
    report = drafting.get_or_create(review)
    review.state = "reporting"   # the team writes, through the application's own services
    kfs = review.benchmark.key_factors
    # the recommendations first: the texts name them by the codes they end up with
    if not report.recommendations:
        for pos, priority, months, owner, action, rationale in RECOMMENDATIONS:
            drafting.add_recommendation(report, drafting.RecommendationInput(
                key_factor_id=kfs[pos - 1].id, action=action, rationale=rationale, priority=priority,
                owner=owner, timeframe_months=months), actor=rapporteur)
    for key, body in SECTIONS.items():
        if report.section(key) is not None:
            drafting.save_section(report, key, body, base_version=None, actor=rapporteur)
    for f in drafting.findings_in_order(report):
        pos = kfs.index(f.key_factor) + 1
        rationale, strengths, improvements = FINDINGS[pos]
        drafting.save_finding(f, drafting.FindingInput(
            rationale=rationale, strengths=strengths, improvements=improvements,
            observation_ids=[o.id for o in notes.get(pos, []) if o.kind in ("evidence", "gap", "good_practice")][:3],
            rating=RATINGS[pos], rating_given=True), base_version=None, actor=rapporteur, may_rate=True)
    last = today - timedelta(days=1)
    checked_from = dates.working_day(review.visit_end + timedelta(days=18), not_after=last)
    checked_until = dates.working_day(review.visit_end + timedelta(days=25), not_after=last)
    report.factual_check_started_at = datetime.combine(checked_from, time(9))
    report.factual_check_ended_at = datetime.combine(checked_until, time(17))
    report.factual_check_deadline = checked_until
    issued_on = dates.working_day(review.visit_end + timedelta(days=28), not_after=last)
    issue_version(review, number=1, issued_on=issued_on, coordinator=people["coordinator"])
    event(review, "issued", issued_on, actor=people["coordinator"])
    contact = people.get("rotterdam_contact") or people["coordinator"]
    follow_up(report, FOLLOW_UP, issued_on=issued_on, author=contact, today=today)
    first = min(u.on_date for r in report.recommendations for u in r.updates)
    event(review, "follow_up", first, actor=contact, hour=9)
    review.state = "follow_up"
    db.session.flush()
