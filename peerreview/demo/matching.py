"""The demo peer pool: profiles for the demo peers and a few more, answers to the Milan call,
a conflict of interest, and Milan's team proposed by the matcher. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from peerreview.demo import data
from peerreview.extensions import db

# Extra peers of the demo pool: (key, name, e-mail local part, city, languages)
EXTRA_PEERS = [
    ("peer_amsterdam", "Daan Visser", "amsterdam.peer", "Amsterdam", ["nl", "en", "de"]),
    ("peer_barcelona", "Laia Puig", "barcelona.peer", "Barcelona", ["ca", "es", "en", "it"]),
    ("peer_berlin", "Mehmet Yilmaz", "berlin.peer", "Berlin", ["de", "tr", "en"]),
    ("peer_dublin", "Aoife Byrne", "dublin.peer", "Dublin", ["en", "ga"]),
    ("peer_nantes", "Camille Moreau", "nantes.peer", "Nantes", ["fr", "en", "it"]),
    ("peer_warsaw", "Katarzyna Nowak", "warsaw.peer", "Warsaw", ["pl", "en", "uk"]),
    ("peer_zurich", "Luca Bernasconi", "zurich.peer", "Zurich", ["de", "it", "fr", "en"]),
]

# key -> (trained, most reviews a year, {theme slug: level}, [(days from today, length, note)])
PROFILES = {
    "peer_lead": (True, 3, {"anti-discrimination": "expert", "diverse-administration": "some",
                            "cultural-diversity": "some"}, []),
    "peer_rapporteur": (True, 4, {"diverse-administration": "expert", "introductory-language-courses": "some"}, []),
    "peer": (False, 4, {"neighbourhood-participation": "expert", "diverse-administration": "some"}, []),
    "peer_munich": (True, 4, {"diverse-administration": "expert", "anti-discrimination": "some"}, []),
    "peer_athens": (False, 3, {"introductory-language-courses": "expert", "public-perception": "some"},
                    [(150, 14, "Holiday")]),
    "peer_helsinki": (True, 2, {"cultural-diversity": "expert", "diverse-administration": "some"}, []),
    "peer_amsterdam": (True, 2, {"diverse-administration": "expert", "consultative-bodies": "some"}, []),
    "peer_barcelona": (False, 2, {"public-perception": "expert", "diverse-administration": "some"}, []),
    "peer_berlin": (True, 2, {"diverse-administration": "expert", "anti-discrimination": "expert"},
                    [(68, 10, "Parental leave")]),
    "peer_dublin": (False, 1, {"consultative-bodies": "expert"}, []),
    "peer_nantes": (True, 2, {"consultative-bodies": "expert", "diverse-administration": "some"}, []),
    "peer_warsaw": (False, 2, {"introductory-language-courses": "some", "diverse-administration": "some"}, []),
    "peer_zurich": (False, 2, {"diverse-administration": "some", "cultural-diversity": "some"}, []),
}

# Answers to the call for Milan's team, and a conflict its contact declared.
MILAN_BIDS = [("peer_zurich", "join", "I speak Italian and our office ran a similar recruitment review."),
              ("peer_warsaw", "join", ""), ("peer_dublin", "cannot", "Council elections that month.")]
MILAN_CONFLICT = ("peer_nantes", "Advised Milan's human resources department on its 2025 diversity "
                  "plan, which the review looks at.")


def _extra_people(tally, cities) -> dict:
    from peerreview.auth import services as accounts
    from peerreview.demo.services import DEMO_PASSWORD

    out = {}
    for key, name, local, city, languages in EXTRA_PEERS:
        email = f"{local}@{data.DEMO_DOMAIN}"
        user = accounts.find_user_by_email(email)
        tally.seen(user is None)
        if user is None and city in cities:
            user = accounts.create_user(email=email, name=name, city=cities[city], city_role="member",
                                        is_coordinator=False, languages=languages, password=DEMO_PASSWORD)
        if user is not None:
            out[key] = user
    return out


def load_matching(tally, people: dict, *, cities: dict | None = None, today: date | None = None) -> None:
    from peerreview.framework.models import Theme
    from peerreview.matching import services
    from peerreview.matching.models import (
        ConflictOfInterest,
        MatchRun,
        PeerExpertise,
        PeerUnavailability,
        ReviewBid,
    )

    today = today or date.today()
    if cities is None:
        from peerreview.cities.models import City

        cities = {c.name: c for c in db.session.scalars(select(City))}
    people = {**people, **_extra_people(tally, cities)}
    themes = {t.slug: t for t in db.session.scalars(select(Theme))}
    for key, (trained, per_year, levels, away) in PROFILES.items():
        user = people.get(key)
        if user is None:
            continue
        profile = services.profile_of(user)
        tally.seen(profile is None)
        if profile is not None:
            continue
        profile = services.ensure_profile(user, actor=None)
        profile.trained, profile.max_reviews_per_year = trained, per_year
        profile.trained_on = today - timedelta(days=400) if trained else None
        for slug, level in sorted(levels.items()):
            if slug in themes:
                profile.expertise.append(PeerExpertise(theme_id=themes[slug].id, level=level))
        for offset, days, note in away:
            start = today + timedelta(days=offset)
            profile.unavailable.append(PeerUnavailability(start=start, end=start + timedelta(days=days - 1),
                                                          note=note))
    db.session.flush()
    milan = _milan(people)
    if milan is None:
        return
    if milan.state != "team_forming":
        return
    for key, kind, note in MILAN_BIDS:
        if key in people:
            existing = db.session.scalar(select(ReviewBid).where(
                ReviewBid.review_id == milan.id, ReviewBid.user_id == people[key].id))
            tally.seen(existing is None)
            if existing is None:
                services.bid(milan, people[key], kind, note=note, actor=people[key])
    key, reason = MILAN_CONFLICT
    contact = people.get("milan_contact")
    if key in people and contact is not None:
        existing = db.session.scalar(select(ConflictOfInterest).where(
            ConflictOfInterest.review_id == milan.id, ConflictOfInterest.user_id == people[key].id))
        tally.seen(existing is None)
        if existing is None:
            services.flag_conflict(milan, people[key], reason, actor=contact)
    ran = db.session.scalar(select(MatchRun.id).where(MatchRun.review_id == milan.id).limit(1))
    tally.seen(ran is None)
    if ran is None:
        from peerreview.matching import proposals

        db.session.flush()
        db.session.expire(milan, ["team"])
        proposals.run([milan], actor=people.get("coordinator"), time_limit=5.0)


def _milan(people):
    """The demo review "milan_team" (Milan, diversity in administration), in any state."""
    from peerreview.framework.models import Benchmark, Theme
    from peerreview.reviews.models import Review

    contact = people.get("milan_contact")
    if contact is None or contact.city_id is None:
        return None
    return db.session.scalar(
        select(Review).join(Benchmark, Review.benchmark_id == Benchmark.id)
        .join(Theme, Benchmark.theme_id == Theme.id)
        .where(Review.host_city_id == contact.city_id, Theme.slug == "diverse-administration")
        .order_by(Review.id).limit(1))
