"""The demo's library: Rotterdam shares its report with the network but keeps one
recommendation back, Barcelona shares its report, and two earlier reviews on introductory and
language courses (Vienna, published as public with its good practices, and Munich, shared
with the network) give the heatmap, the cities' histories and the matching suggestions
something to compare."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from peerreview.extensions import db

THEME = "introductory-language-courses"

# {city: (years ago, visit days, ratings KF1.., [(kf, priority, months, owner, action, rationale,
#          response, progress, months to done)], good practices, publication level)}
PAST = {
    "Vienna": (3, 4, ["3", "3", "2", "3", "3", "3", "2"], [
        (3, "medium", 12, "Adult education office",
         "Follow every learner for six months after the course and publish the results by provider.",
         "The city pays for courses but cannot yet tell which providers help people into work.",
         "accepted", "done", 14),
        (7, "low", 24, "Integration department",
         "Invite learners to judge their course in their own language, every term.",
         "Complaints reach the city only through the providers.", "accepted", "in_progress", None),
    ], ("- Start Wien: every newcomer gets an appointment with an adviser in their own language "
        "within two weeks of registration, with vouchers for the first course.\n"
        "- Course places kept for six months when a learner starts work, with evening and weekend "
        "groups to come back to.\n"
        "- Childcare booked together with the course place, in the same building where possible."),
        "public"),
    "Munich": (2, 3, ["2", "3", "2", "2", "3", "2", "1"], [
        (1, "high", 6, "Office for integration",
         "Give newcomers one telephone number for every question about courses, in six languages.",
         "Newcomers are sent between the job centre, the immigration office and the schools.",
         "accepted", "done", 5),
        (7, "medium", 12, "Office for integration",
         "Ask learners who leave a course early why they left, and report the reasons every year.",
         "Nobody knows why one in three learners stops.", "partly", "not_started", None),
    ], ("- Work-related German courses run inside companies during paid working hours.\n"
        "- A course finder that shows every provider's free places for the coming month."),
        "network"),
}
ROTTERDAM_WITHHELD = ("R8",)


def load_library(tally, people: dict, cities: dict, today: date | None = None) -> None:
    from peerreview.library import services
    from peerreview.reviews.models import Review

    today = today or date.today()
    for city_name, spec in PAST.items():
        city = cities.get(city_name)
        if city is not None:
            _past_review(tally, city, spec, people, today)
    contact = people.get("rotterdam_contact")
    rotterdam = cities.get("Rotterdam")
    if contact is not None and rotterdam is not None:
        for review in db.session.scalars(select(Review).where(Review.host_city_id == rotterdam.id)):
            if review.report is not None and review.report.versions and _unshared(review.report):
                services.set_publication(review.report, level="network", withheld=set(ROTTERDAM_WITHHELD),
                                         actor=contact)
    contact = people.get("barcelona_contact")
    barcelona = cities.get("Barcelona")
    if contact is not None and barcelona is not None:
        for review in db.session.scalars(select(Review).where(Review.host_city_id == barcelona.id)):
            if review.report is not None and review.report.versions and _unshared(review.report):
                services.set_publication(review.report, level="network", withheld=set(), actor=contact)
    db.session.flush()


def _past_review(tally, city, spec, people, today: date) -> None:
    from peerreview.demo import dates
    from peerreview.demo.issue import event, issue_version
    from peerreview.demo.reviews import _theme
    from peerreview.library import services
    from peerreview.reports import services as drafting
    from peerreview.reports.models import RecommendationUpdate
    from peerreview.reviews.models import Review, ReviewEvent
    from peerreview.reviews.services import current_benchmark

    years, days, ratings, recs, practices, level = spec
    theme = _theme(THEME)
    bench = current_benchmark(theme) if theme is not None else None
    if bench is None or len(bench.key_factors) < len(ratings):
        return
    start = dates.visit_start(today - timedelta(days=365 * years + 40), days)
    existing = db.session.scalar(select(Review).where(Review.host_city_id == city.id,
                                                      Review.benchmark_id == bench.id))
    tally.seen(existing is None)
    if existing is not None:
        return
    coordinator = people["coordinator"]
    review = Review(host_city=city, benchmark=bench, state="reporting", working_languages=["en"],
                    visit_start=start, visit_end=start + timedelta(days=days - 1),
                    preferred_start=start, preferred_end=start + timedelta(days=days - 1),
                    background=f"{city.name}'s first review of its language courses.")
    db.session.add(review)
    for step, back in (("requested", 140), ("accepted", 130), ("team_forming", 128), ("preparing", 100)):
        review.events.append(ReviewEvent(at=datetime.combine(dates.working_day(start - timedelta(days=back)),
                                                             time(10)), to_state=step))
    review.events.append(ReviewEvent(at=datetime.combine(start, time(7)), to_state="visit"))
    review.events.append(ReviewEvent(at=datetime.combine(review.visit_end, time(15)), to_state="reporting"))
    db.session.flush()
    report = drafting.get_or_create(review)
    kfs = bench.key_factors
    for f in report.findings:
        pos = kfs.index(f.key_factor)
        f.rating = ratings[pos]
        f.rationale = (f"The team rated {f.key_factor.code} {ratings[pos]} of 3 after the interviews "
                       f"and the documents {city.name} shared.")
    report.section("good_practices").body = practices
    report.section("executive_summary").body = (
        f"{city.name} runs one of the network's most complete programmes of courses for newcomers.")
    for pos, priority, months, owner, action, rationale, *_rest in recs:
        drafting.add_recommendation(report, drafting.RecommendationInput(
            key_factor_id=kfs[pos - 1].id, action=action, rationale=rationale, priority=priority,
            owner=owner, timeframe_months=months), actor=coordinator)
    checked = dates.working_day(review.visit_end + timedelta(days=24))
    report.factual_check_started_at = datetime.combine(dates.working_day(review.visit_end + timedelta(days=16)),
                                                       time(9))
    report.factual_check_deadline = checked
    report.factual_check_ended_at = datetime.combine(checked, time(17))
    issued_on = dates.working_day(review.visit_end + timedelta(days=30))
    issue_version(review, number=1, issued_on=issued_on, coordinator=coordinator)
    event(review, "issued", issued_on, actor=coordinator)
    by_code = {r.code: r for r in report.recommendations}
    last = today - timedelta(days=1)
    for n, (*_head, response, progress, done_after) in enumerate(recs, 1):
        rec = by_code[f"R{n}"]
        answered = dates.working_day(issued_on + timedelta(days=20), not_after=last)
        rec.response, rec.responded_at = response, datetime.combine(answered, time(10))
        rec.response_reason = "" if response == "accepted" else "Tried with one provider first."
        rec.updates.append(RecommendationUpdate(kind="response", status=response, note=rec.response_reason,
                                                on_date=answered, created_at=datetime.combine(answered, time(10))))
        on = dates.working_day(issued_on + timedelta(days=30 * (done_after or 8)), not_after=last)
        note = "Done and reported to the council." if progress == "done" else "Work has started."
        if progress != "not_started":
            rec.progress, rec.progress_note, rec.progress_on = progress, note, on
            rec.done_on = on if progress == "done" else None
            rec.updates.append(RecommendationUpdate(kind="progress", status=progress, note=note, on_date=on,
                                                    created_at=datetime.combine(on, time(10))))
        else:
            rec.progress = "not_started"
    event(review, "follow_up", dates.working_day(issued_on + timedelta(days=20), not_after=last), hour=12)
    closed = dates.working_day(issued_on + timedelta(days=450), not_after=last)
    event(review, "closed", closed, actor=coordinator, note="The follow-up was reported.")
    review.state = "closed"
    db.session.flush()
    contact = next((u for u in city.members if u.city_role == "contact"), None) or coordinator
    services.set_publication(report, level=level, withheld=set(), actor=contact)


def _unshared(report) -> bool:
    """Not yet shared by the demo (a report issued by the demo starts private)."""
    return report.publication is None or report.publication.level == "private"
