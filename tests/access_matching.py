"""Access-matrix rows for the peer pool, peer profiles, calls for peers, conflicts of interest
and the coordinator's team pages (matching blueprint).

Every user of the world who belongs to a city other than the host gets a peer profile, so a
role added later (such as a peer on or off a team) is a peer by default.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.access import FORBIDDEN, OK, Route, roles

COORDINATOR = roles(FORBIDDEN, coordinator=OK)
# peers from another city; not the host city, not a coordinator without a city, and not
# someone who already has a seat on the team (they answer their invitation instead)
BIDDERS = roles(OK, host_member=FORBIDDEN, host_contact=FORBIDDEN, coordinator=FORBIDDEN,
                peer_on_team=FORBIDDEN, seat_invited=FORBIDDEN)
"""Peers of other cities with a profile answer the call; an invited or accepted seat answers its
invitation instead. A proposal the peer was never told of, a declined or a removed seat does not
stop them from offering."""
HAS_CITY = roles(OK, coordinator=FORBIDDEN)


def build_world(world, db_session):
    from peerreview.framework.models import Benchmark, Theme
    from peerreview.matching.models import (
        ConflictOfInterest,
        PeerExpertise,
        PeerProfile,
        PeerUnavailability,
        ReviewBid,
    )
    from peerreview.reviews.models import Review, TeamMember

    theme = Theme(slug="matching-theme", name="Matching theme", description="")
    bench = Benchmark(theme=theme, version=1, status="published", standard="A standard.")
    # a year after the world's other reviews, so that no peer reaches a yearly limit
    start = date.today() + timedelta(days=400)
    review = Review(host_city=world.host_city, benchmark=bench, state="team_forming",
                    working_languages=["en"], preferred_start=start, preferred_end=start + timedelta(days=3),
                    visit_start=start, visit_end=start + timedelta(days=3), team_min=1, team_max=12,
                    min_countries=1)
    db_session.add_all([theme, bench, review])
    profiles = {}
    for key, user in sorted(world.users.items()):
        if user.city_id is not None and user.city_id != world.host_city.id:
            profiles[key] = PeerProfile(user=user, trained=True, max_reviews_per_year=12)
            db_session.add(profiles[key])
    owner = world.users["other_city"]
    from peerreview.auth.models import User

    pool_peer = User(email="pool.peer@example.org", name="Pool Peer", city=world.other_city_obj,
                     languages=["en"])
    named = User(email="named.peer@example.org", name="Named Peer", city=world.other_city_obj,
                 languages=["en"])
    pool_profile = PeerProfile(user=pool_peer, trained=True, max_reviews_per_year=12)
    db_session.add_all([pool_peer, named, pool_profile, PeerProfile(user=named)])
    db_session.flush()
    for profile in [pool_profile, *profiles.values()]:
        profile.expertise.append(PeerExpertise(theme_id=theme.id, level="expert"))
    # everyone who may answer the call already has: withdrawing an answer is a change
    for key, profile in profiles.items():
        if BIDDERS[key] == OK:
            db_session.add(ReviewBid(review=review, user=profile.user, kind="join"))
    period = PeerUnavailability(profile=profiles["other_city"], start=start + timedelta(days=30),
                                end=start + timedelta(days=40), note="away")
    conflict = ConflictOfInterest(review=review, user=owner, reason="Former adviser to the host.",
                                  flagged_by_id=world.users["host_contact"].id)
    seat = TeamMember(review=review, user=pool_peer, role="peer", status="proposed")
    db_session.add_all([period, conflict, seat])
    db_session.flush()
    world.objects.update(match_review=review, match_period=period, match_conflict=conflict,
                         match_owner=owner, match_theme=theme, pool_peer=pool_peer,
                         named_peer=named)


def _review(w):
    return f"/reviews/{w.match_review.id}"


ROUTES = [
    Route("matching.pool", "GET", lambda w: "/peers/", COORDINATOR),
    Route("matching.pool", "GET", lambda w: f"/peers/?theme={w.match_theme.id}&language=en&trained=yes"
          f"&free_from=2030-01-01&free_to=2030-01-05", COORDINATOR),
    Route("matching.peer", "GET", lambda w: f"/peers/{w.match_owner.id}", COORDINATOR),
    Route("matching.set_training", "POST", lambda w: f"/peers/{w.match_owner.id}/training", COORDINATOR,
          data=lambda w: {"trained": "y", "trained_on": "2026-03-01"}),
    Route("matching.profile", "GET", lambda w: "/peers/me", roles(OK)),
    Route("matching.profile", "POST", lambda w: "/peers/me", HAS_CITY,
          data=lambda w: {"languages": ["en"], "max_reviews_per_year": 2,
                          f"expertise_{w.match_theme.id}": "some"}),
    Route("matching.add_unavailable", "POST", lambda w: "/peers/me/unavailable", HAS_CITY,
          data=lambda w: {"start": "2030-07-01", "end": "2030-07-14", "note": "Summer"}),
    # only the owner may remove a period of their own profile
    Route("matching.delete_unavailable", "POST",
          lambda w: f"/peers/me/unavailable/{w.match_period.id}/delete", roles(FORBIDDEN, other_city=OK)),
    Route("matching.bid", "POST", lambda w: f"{_review(w)}/interest", BIDDERS,
          data=lambda w: {"kind": "cannot", "note": "Council elections that month."}),
    Route("matching.withdraw_bid", "POST", lambda w: f"{_review(w)}/interest/withdraw", BIDDERS),
    Route("matching.conflicts", "GET", lambda w: f"{_review(w)}/conflicts",
          roles(FORBIDDEN, host_contact=OK, coordinator=OK)),
    Route("matching.conflicts", "POST", lambda w: f"{_review(w)}/conflicts",
          roles(FORBIDDEN, host_contact=OK),
          data=lambda w: {"user_id": w.named_peer.id, "reason": "Worked for the city."}),
    Route("matching.delete_conflict", "POST",
          lambda w: f"{_review(w)}/conflicts/{w.match_conflict.id}/delete", roles(FORBIDDEN, host_contact=OK)),
    Route("matching.team", "GET", lambda w: f"{_review(w)}/team/manage", COORDINATOR),
    Route("matching.run", "POST", lambda w: f"{_review(w)}/team/run", COORDINATOR,
          data=lambda w: {"time_limit": 2}),
    Route("matching.replace", "POST", lambda w: f"{_review(w)}/team/replace", COORDINATOR),
    Route("matching.change", "GET",
          lambda w: f"{_review(w)}/team/change?out_id={w.pool_peer.id}", COORDINATOR),
    Route("matching.save_change", "POST", lambda w: f"{_review(w)}/team/change", COORDINATOR,
          data=lambda w: {"out_id": w.pool_peer.id, "in_id": 0}),
    Route("matching.roles", "POST", lambda w: f"{_review(w)}/team/roles", COORDINATOR,
          data=lambda w: {"lead_id": w.pool_peer.id, "rapporteur_id": 0}),
    Route("matching.invite", "POST", lambda w: f"{_review(w)}/team/invite", COORDINATOR),
]
