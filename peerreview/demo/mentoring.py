"""The demo mentoring scheme: Vienna and Helsinki guide Riga, Rotterdam and Athens on
introductory and language courses, with some months of history. Idempotent: nothing happens once
the scheme exists.

- Riga (mentored by Vienna and Helsinki): baseline, two progress reviews, a study visit, a
  mentoring visit and one coming up, an endorsed plan version and a newer one, actions done,
  in progress (one overdue, one due soon) and dropped.
- Rotterdam (mentored by Vienna): started after its peer review, with the review team's ratings
  as its baseline; three actions come from the report's recommendations (R5, R4, R1, the codes
  the report gives them) and carry their follow-up; a mentor's proposal from R9 waits for the
  city's answer; a first progress review; a study visit ahead.
- Athens (mentored by Helsinki): nothing has happened for almost three months, so the dashboard
  flags it as silent.

Dates are relative to the day the demo is loaded (visits on working days, see dates.py); texts,
people and figures are invented.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from peerreview.extensions import db

SCHEME_NAME = "Language pathways mentoring"
THEME = "introductory-language-courses"

RIGA_BASELINE = [
    ("1", "Newcomers hear about courses by chance, usually from NGOs; the residents' office hands out no information.",
     "Reach newcomers in their first three months."),
    ("0", "Family migrants and EU citizens have no course offer at all.", "A first offer for family migrants."),
    ("1", "Courses run in the daytime only, in two venues in the centre.", "Evening groups with childcare in the districts."),
    ("2", "A short orientation module exists in Latvian and English.", ""),
    ("1", "No link between courses and the employment agency's vocational Latvian.", "A referral route from A2 to work."),
    ("0", "NGO providers are funded per group with no quality requirements.", "Quality standards in the agreements."),
    ("1", "Attendance is counted on paper by each provider; nobody adds it up.", "One register of learners."),
]
RIGA_REVIEWS = [
    (-100, ["1", "1", "1", "2", "1", "0", "1"],
     "The welcome letter works: 40% of newcomers registered since March booked an assessment. "
     "Evening groups are agreed but not yet open; the quality standards wait for the contracts unit."),
    (-25, ["2", "1", "2", "1", "1", "1", "2"],
     "Evening groups with childcare opened in Imanta. The shared learner register is in use by two of "
     "three providers. Orientation fell back: the only trainer left and the module was not updated."),
]
# (key factor position, description, owner, deadline offset, resources, indicator, status,
#  [(offset, note, new status or None)], source)
RIGA_ACTIONS = [
    (1, "Send a welcome letter in Latvian, English, Russian and Ukrainian to every newcomer "
        "registered at the residents' office, with a date for a first language assessment.",
     "Welfare Department, integration unit", -90, "Printing and translation: EUR 2,000",
     "Half of newly registered residents book an assessment within eight weeks", "done",
     [(-150, "Texts agreed with the residents' office; translations ordered.", "in_progress"),
      (-95, "Letters go out with every registration since 1 of the month.", "done")],
     "Study visit to Vienna (Start coaching)"),
    (3, "Open two evening course groups with childcare at the Imanta and Purvciems community centres.",
     "Education, Culture and Sports Department", 10, "Two teachers, two childminders, rooms free of charge",
     "Both groups full, with at least 70% attendance after three months", "in_progress",
     [(-80, "Imanta centre agreed; Purvciems still looking for a childminder.", "in_progress"),
      (-30, "Imanta group opened with 14 learners; childcare used by 6 families.", None)], ""),
    (6, "Write quality standards into the agreements with the three NGO course providers: group "
        "size, teacher qualification, follow-up of absences.",
     "Welfare Department, contracts unit", -20, "Lawyer's time in the contracts unit",
     "All three agreements signed with the standards", "in_progress",
     [(-60, "Draft standards shared with the providers for comments.", "in_progress")], ""),
    (7, "Record every learner's start, attendance and final level in one register shared with the NGO partners.",
     "Welfare Department with the NGO partners", 60, "A shared spreadsheet first; IT budget next year",
     "Monthly attendance figures for all groups", "in_progress",
     [(-45, "Two of three providers enter their learners.", "in_progress")], ""),
    (5, "Agree a referral route from level A2 courses to the State Employment Agency's vocational Latvian courses.",
     "Welfare Department, employment liaison", 120, "", "Ten referrals in the first term", "planned", [], ""),
    (2, "Run a conversation club for family migrants in the central library.", "Riga Central Library", -40,
     "Volunteers", "A weekly club with 15 regular participants", "dropped",
     [(-70, "", "dropped")], ""),
    (4, "Translate the orientation module “Living in Riga” into Ukrainian and update its section on health care.",
     "Welfare Department, integration unit", -10, "Translation: EUR 1,200", "Module used in every course group",
     "done", [(-15, "Ukrainian version online and printed.", "done")], ""),
]
RIGA_DROP_REASON = ("The library closes for refurbishment until next spring; family migrants are "
                    "welcome in the evening groups of action A2 instead.")

# Rotterdam's baseline: the review team's ratings (taken from the report), with the city's own
# narrative and gaps: (narrative, gap) per key factor.
ROTTERDAM_BASELINE = [("Intake eleven weeks after registration on average.", "Intake within four weeks."),
                      ("EU citizens and family migrants only reach volunteer groups.", ""),
                      ("No evening or weekend classes; childcare not arranged.", "Classes that fit shift work."),
                      ("Practical orientation with real vacancies.", ""),
                      ("Learners who find work lose their course place.", ""),
                      ("Providers paid per teaching hour.", ""),
                      ("Results after the course are not followed.", "")]
# (code of the recommendation in the report, key factor position, description, owner, deadline
#  offset, status, [(offset, note, status)])
ROTTERDAM_ACTIONS = [
    ("R5", 3, "Offer evening and Saturday classes in Feijenoord and Delfshaven, each course place linked "
              "to a childcare place for the whole course.",
     "Education department with the contracted language schools", 200, "in_progress",
     [(-10, "The Feijenoord school agreed to pilot Saturday classes from next term; two schools added an "
            "evening group.", "in_progress")]),
    ("R4", 3, "Call every learner who misses two lessons in a row within one week, and record the reason.",
     "Contracted language schools; contract manager in Social Affairs", 40, "planned", []),
    ("R1", 1, "Book the intake at the registration desk, starting with the Feijenoord district office.",
     "Civic integration team with Civil Affairs", 80, "in_progress",
     [(-8, "Pilot started in Feijenoord: 31 newcomers booked their intake at the desk in the first week.",
       "in_progress")]),
]
# A mentor's proposal, from R9, waiting for Rotterdam's answer.
ROTTERDAM_PROPOSAL = ("R9", 7, "Follow a sample of 200 learners six and twelve months after their course, "
                               "with the short questionnaire Vienna uses for its Start Wien graduates.",
                      "Research and statistics office", 150)
ROTTERDAM_PROGRESS = (-6, ["2", "1", "2", "2", "1", "1", "1"],
                      "First progress review. Two schools added evening groups and Saturday classes are "
                      "agreed (KF3 up). The intake pilot at the registration desk has started; the other "
                      "ratings stay where the review put them.")

ATHENS_BASELINE = [("0", "", "Reach newcomers early."), ("1", "", ""), ("0", "", "Classes near where people live."),
                   ("1", "", ""), ("0", "", ""), ("1", "", ""), ("0", "", "")]


def _at(today: date, offset: int, hour: int = 10) -> datetime:
    return datetime.combine(today + timedelta(days=offset), time(hour))


def load_mentoring(tally, people: dict, cities: dict, today: date | None = None) -> None:
    from peerreview.framework.models import Theme
    from peerreview.mentoring.models import MentoringScheme, SchemeCity

    today = today or date.today()
    theme = db.session.scalar(select(Theme).where(Theme.slug == THEME))
    needed = ("coordinator", "mentor_vienna", "peer_helsinki", "mentee_riga", "mentee_athens", "rotterdam_contact")
    if theme is None or theme.current_benchmark is None or not all(k in people for k in needed):
        return
    if len(theme.current_benchmark.key_factors) < 7:
        return
    existing = db.session.scalar(select(MentoringScheme).where(MentoringScheme.name == SCHEME_NAME))
    tally.seen(existing is None)
    if existing is not None:
        return
    scheme = MentoringScheme(
        name=SCHEME_NAME, theme=theme, benchmark=theme.current_benchmark,
        starts_on=today - timedelta(days=200), ends_on=today + timedelta(days=165),
        description=("Experienced cities help three cities build language course pathways for "
                     "newcomers: reaching people early, classes that fit work and family life, and "
                     "following results.\nThe cities meet every quarter online and once a year in person."),
        created_by_id=people["coordinator"].id, created_at=_at(today, -210))
    scheme.participants = ([SchemeCity(city=cities[n], role="mentor") for n in ("Vienna", "Helsinki")]
                           + [SchemeCity(city=cities[n], role="implementing") for n in ("Riga", "Rotterdam", "Athens")])
    db.session.add(scheme)
    _riga(scheme, people, cities, today)
    _rotterdam(scheme, people, cities, today)
    _athens(scheme, people, cities, today)
    db.session.flush()


def _mentorship(scheme, city, mentor_cities, mentors, mentees, *, coordinator, today, proposed, started):
    from peerreview.mentoring.models import Mentorship, MentorshipEvent, MentorshipPerson

    m = Mentorship(scheme=scheme, implementing_city=city, mentor_cities=mentor_cities, state="active",
                   proposed_on=today + timedelta(days=proposed), started_on=today + timedelta(days=started),
                   created_at=_at(today, proposed), updated_at=_at(today, started))
    m.people = ([MentorshipPerson(user=u, role="mentor") for u in mentors]
                + [MentorshipPerson(user=u, role="mentee") for u in mentees])
    m.events = [MentorshipEvent(at=_at(today, proposed), actor_id=coordinator.id, to_state="proposed"),
                MentorshipEvent(at=_at(today, started), actor_id=coordinator.id, from_state="proposed",
                                to_state="active")]
    db.session.add(m)
    return m


def _needs(m, rows, goals, *, today, offset, author):
    from peerreview.mentoring.models import NeedsAssessment, NeedsEntry

    needs = NeedsAssessment(mentorship=m, goals=goals, assessed_on=today + timedelta(days=offset),
                            updated_at=_at(today, offset), updated_by_id=author.id)
    needs.entries = [NeedsEntry(key_factor=kf, rating=r, narrative=n, gap=g)
                     for kf, (r, n, g) in zip(m.scheme.benchmark.key_factors, rows, strict=False)]
    db.session.add(needs)


def _visit(m, kind, offset, days, location, participants, *, today, agenda="", notes="", agreed="", other=""):
    from peerreview.demo import dates
    from peerreview.mentoring.models import MentoringVisit

    start = dates.visit_start(today + timedelta(days=offset), days)
    recorded = min(offset + days + 1, 0) if offset <= 0 else -3
    v = MentoringVisit(mentorship=m, kind=kind, starts_on=start, ends_on=start + timedelta(days=days - 1),
                       location=location, participants=participants, other_participants=other,
                       agenda=agenda, notes=notes, agreed=agreed,
                       created_at=_at(today, min(offset, 0) - 20), updated_at=_at(today, recorded))
    db.session.add(v)
    return v


def _progress(m, offset, ratings, summary, *, today, author):
    from peerreview.mentoring.models import ProgressRating, ProgressReview

    pr = ProgressReview(mentorship=m, held_on=today + timedelta(days=offset), summary=summary,
                        created_by_id=author.id, created_at=_at(today, offset, 16))
    pr.ratings = [ProgressRating(key_factor=kf, rating=r) for kf, r in zip(m.scheme.benchmark.key_factors, ratings,
                                                                           strict=False)]
    db.session.add(pr)


def _action(m, number, kf_pos, description, owner, deadline, status, updates, *, today, author,
            resources="", indicator="", source="", recommendation=None, drop_reason="", created=-150):
    from peerreview.mentoring.plan_models import ActionUpdate, MentoringAction

    kf = m.scheme.benchmark.key_factors[kf_pos - 1]
    a = MentoringAction(mentorship=m, number=number, key_factor=kf, description=description, owner=owner,
                        deadline=today + timedelta(days=deadline), resources=resources, indicator=indicator,
                        status="planned", source=source, recommendation=recommendation,
                        created_by_id=author.id, created_at=_at(today, created), updated_at=_at(today, created))
    current = "planned"
    for offset, note, new in updates:
        changed = new if new and new != current else None
        u = ActionUpdate(on_date=today + timedelta(days=offset), note=note, author_id=author.id,
                         from_status=current if changed else None, to_status=changed,
                         created_at=_at(today, offset, 15))
        if changed == "dropped":
            u.note = (f"{note}\n\nReason for dropping: {drop_reason}" if note else f"Reason for dropping: {drop_reason}")
        a.updates.append(u)
        if changed:
            current = changed
            if changed == "done":
                a.done_on = today + timedelta(days=offset)
        a.updated_at = _at(today, offset, 15)
    a.status = status
    a.drop_reason = drop_reason if status == "dropped" else ""
    db.session.add(a)
    return a


def _version(m, number, offset, note, actions, *, today, author, endorsed=None):
    from peerreview.mentoring.plan_models import PlanEndorsement, PlanVersion

    v = PlanVersion(mentorship=m, number=number, note=note, created_by_id=author.id,
                    created_at=_at(today, offset),
                    snapshot=[{"code": a.code, "key_factor": a.key_factor.code, "description": a.description,
                               "owner": a.owner, "deadline": a.deadline.isoformat(), "resources": a.resources,
                               "indicator": a.indicator, "status": status, "source": a.source}
                              for a, status in actions])
    if endorsed:
        by, body, when = endorsed
        v.endorsements.append(PlanEndorsement(endorsed_by=by, body=body, endorsed_on=today + timedelta(days=when),
                                              recorded_by_id=author.id, recorded_at=_at(today, when, 17)))
    db.session.add(v)


def _riga(scheme, people, cities, today):
    mentor, mentor2, mentee = people["mentor_vienna"], people["peer_helsinki"], people["mentee_riga"]
    m = _mentorship(scheme, cities["Riga"], [cities["Vienna"], cities["Helsinki"]], [mentor, mentor2], [mentee],
                    coordinator=people["coordinator"], today=today, proposed=-195, started=-185)
    m.next_review_on = today + timedelta(days=35)
    _needs(m, RIGA_BASELINE, "Riga wants a first language pathway for newcomers: reach them at registration, "
           "offer classes that fit work and family life, and know who completes them.",
           today=today, offset=-170, author=mentee)
    _visit(m, "study", -140, 3, "Vienna, Start Wien and a language course provider", [mentor, mentee], today=today,
           agenda="Day 1: Start coaching at the residents' office. Day 2: two course providers. Day 3: monitoring.",
           notes="Start coaching reaches 9 in 10 newcomers because the first talk is booked at registration.",
           agreed="Riga drafts a welcome letter with a booked assessment date (A1).",
           other="Head of the integration unit; a teacher from an NGO provider")
    _visit(m, "mentoring", -60, 2, "Riga, Welfare Department and Imanta community centre", [mentor, mentor2, mentee],
           today=today, agenda="Review of the plan; visit to the first evening group; meeting the contracts unit.",
           notes="The contracts unit has little time for the quality standards before the summer.",
           agreed="Vienna shares its provider agreement; standards go into the autumn contracts (A3).")
    _visit(m, "mentoring", 21, 2, "Riga, City Council", [mentor, mentee], today=today,
           agenda="Progress on A3 and A4; preparing the next progress review; meeting the Deputy Mayor.")
    for offset, ratings, summary in RIGA_REVIEWS:
        _progress(m, offset, ratings, summary, today=today, author=mentor)
    actions = []
    for n, (kf, desc, owner, deadline, resources, indicator, status, updates, source) in enumerate(RIGA_ACTIONS, 1):
        actions.append(_action(m, n, kf, desc, owner, deadline, status, updates, today=today, author=mentee,
                               resources=resources, indicator=indicator, source=source,
                               drop_reason=RIGA_DROP_REASON, created=-160 if n <= 5 else -110))
    _version(m, 1, -130, "First plan for the administration", [(a, "planned") for a in actions[:5]],
             today=today, author=mentee,
             endorsed=("Marta Kalniņa, Deputy Mayor for Social Affairs", "City Council Social Affairs Committee", -112))
    _version(m, 2, -35, "After the mentoring visit: new action A7, A6 dropped",
             [(a, s) for a, s in zip(actions, ["done", "in_progress", "in_progress", "in_progress", "planned",
                                               "dropped", "planned"], strict=True)],
             today=today, author=mentee)


def _rotterdam(scheme, people, cities, today):
    from peerreview.mentoring import baseline, followup

    mentor, mentee = people["mentor_vienna"], people["rotterdam_contact"]
    m = _mentorship(scheme, cities["Rotterdam"], [cities["Vienna"]], [mentor], [mentee],
                    coordinator=people["coordinator"], today=today, proposed=-38, started=-32)
    m.next_review_on = today + timedelta(days=45)
    db.session.flush()
    needs = baseline.start_from_review(m, actor=people["coordinator"])
    if needs is None:   # no issued review (the report feature is absent): type the baseline
        _needs(m, [("1", n, g) for n, g in ROTTERDAM_BASELINE], "Act first on access and continuity.",
               today=today, offset=-30, author=mentee)
    else:
        needs.goals = "Act first on access and continuity, as the peer review recommends."
        for entry, (narrative, gap) in zip(needs.entries, ROTTERDAM_BASELINE, strict=False):
            entry.narrative, entry.gap = narrative, gap
        needs.updated_at, needs.updated_by_id = _at(today, -30), mentee.id
    _visit(m, "study", 12, 3, "Vienna, Start Wien", [mentor, mentee], today=today,
           agenda="How Vienna books the first talk at registration; evening classes with childcare.")
    offset, ratings, summary = ROTTERDAM_PROGRESS
    _progress(m, offset, ratings, summary, today=today, author=mentor)
    recs = _recommendations(cities["Rotterdam"])
    for n, (code, kf, desc, owner, deadline, status, updates) in enumerate(ROTTERDAM_ACTIONS, 1):
        rec = recs.get(code)
        source = "" if rec is not None else "Peer review of Rotterdam"
        action = _action(m, n, kf, desc, owner, deadline, status, updates, today=today, author=mentee,
                         source=source, recommendation=rec, created=-25)
        if rec is not None:   # one record of progress: the follow-up of the recommendation follows
            db.session.flush()
            on = max((u.on_date for u in action.updates), default=today + timedelta(days=-25))
            followup.sync(rec, actor=mentee, on=on, cause=action)
    code, kf, desc, owner, deadline = ROTTERDAM_PROPOSAL
    rec = recs.get(code)
    proposal = _action(m, len(ROTTERDAM_ACTIONS) + 1, kf, desc, owner, deadline, "proposed", [], today=today,
                       author=mentor, recommendation=rec, created=-3)
    proposal.proposed_by_id = mentor.id


def _athens(scheme, people, cities, today):
    mentor, mentee = people["peer_helsinki"], people["mentee_athens"]
    m = _mentorship(scheme, cities["Athens"], [cities["Helsinki"]], [mentor], [mentee],
                    coordinator=people["coordinator"], today=today, proposed=-190, started=-180)
    _needs(m, ATHENS_BASELINE, "Bring language courses closer to where newcomers live.",
           today=today, offset=-150, author=mentee)
    _visit(m, "mentoring", -120, 2, "Athens, City Hall", [mentor, mentee], today=today,
           agenda="First plan; visit to a community centre.", agreed="Athens maps where newcomers are reached (A1).")
    _action(m, 1, 1, "Map which municipal services newcomers reach in their first three months.",
            "Migrant integration office", -60, "in_progress",
            [(-85, "Questionnaire sent to the community centres.", "in_progress")], today=today, author=mentee,
            created=-115)
    _action(m, 2, 3, "Pilot a language class in one community centre with a children's corner.",
            "Social services, community centres", 30, "planned", [], today=today, author=mentee, created=-115)


def _recommendations(city) -> dict:
    """{code: Recommendation} of the city's issued review on the scheme's theme."""
    try:
        from peerreview.reports.models import Recommendation, Report  # noqa: F401
    except ImportError:  # pragma: no cover - the report feature is absent
        return {}
    from peerreview.framework.models import Benchmark, Theme
    from peerreview.reviews.models import Review

    review = db.session.scalar(
        select(Review).join(Benchmark, Benchmark.id == Review.benchmark_id).join(Theme, Theme.id == Benchmark.theme_id)
        .where(Review.host_city_id == city.id, Theme.slug == THEME,
               Review.state.in_(("issued", "follow_up", "closed"))).order_by(Review.id).limit(1))
    report = getattr(review, "report", None) if review is not None else None
    if report is None:
        return {}
    return {r.code: r for r in report.recommendations if r.code}
