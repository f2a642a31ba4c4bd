"""Access-matrix rows for the visit programme, the review calendar and the personal feeds."""

from __future__ import annotations

from datetime import date, time, timedelta

from tests.access import FORBIDDEN, NOT_FOUND, OK, Route, everyone, roles


def viewers():
    """The review's viewers: host city, team, invited peers, coordinator."""
    return roles(FORBIDDEN, host_member=OK, host_contact=OK, coordinator=OK, peer_on_team=OK,
                 seat_invited=OK)


def editors():
    """The host drafts the programme, and the team lead and the coordinator change it; a peer
    who is not the lead only reads it."""
    return roles(FORBIDDEN, host_member=OK, host_contact=OK, coordinator=OK, team_lead=OK)


def build_world(world, db_session):
    from peerreview.auth.models import User
    from peerreview.cities.models import City
    from peerreview.framework.models import Benchmark, KeyFactor, Theme
    from peerreview.reviews import ical
    from peerreview.reviews.models import Review, TeamMember, VisitSession

    theme = Theme(slug="programme-access-theme", name="Programme access theme", description="")
    bench = Benchmark(theme=theme, version=1, status="published", standard="A standard.")
    kf = KeyFactor(benchmark=bench, code="KF1", title="First", position=1, charter_roles=["employer"])
    far = City(name="Programme Peer City", country="FI", timezone="Europe/Helsinki", description="")
    peer = User(email="programme.peer@example.org", name="Programme Peer", city=far, languages=["en"])
    start = date.today() + timedelta(days=60)

    def review(state):
        r = Review(host_city=world.host_city, benchmark=bench, state=state, working_languages=["en"],
                   preferred_start=start, preferred_end=start + timedelta(days=3),
                   visit_start=start, visit_end=start + timedelta(days=3),
                   self_assessment_due=start - timedelta(days=28),
                   programme_due=start - timedelta(days=14), report_due=start + timedelta(days=33))
        seat = TeamMember(review=r, user=peer, role="lead", status="accepted")
        session = VisitSession(review=r, day=start, start_time=time(10), end_time=time(11, 30),
                               title="Meeting with the language school", venue="Town hall",
                               session_type="interview", key_factors=[kf], attendees=[seat])
        db_session.add_all([r, seat, session])
        return r, session

    preparing, session = review("preparing")
    visiting, visit_session = review("visit")
    db_session.add_all([theme, bench, kf, far, peer])
    db_session.flush()
    world.objects.update(
        programme_review=preparing, programme_session=session, programme_visit_review=visiting,
        programme_visit_session=visit_session,
        calendar_token=ical.create_feed(world.users["coordinator"], actor=world.users["coordinator"]))


def _session_data(w, **extra):
    data = {"day": w.programme_review.visit_start.isoformat(), "start_time": "14:00",
            "end_time": "15:00", "title": "Focus group with newcomers", "session_type": "focus_group",
            "venue": "Library", "version": "1"}
    data.update(extra)
    return data


def _visit_data(w):
    return _session_data(w, day=w.programme_visit_review.visit_start.isoformat())


def _base(w):
    return f"/reviews/{w.programme_review.id}/programme"


ROUTES = [
    Route("programme.show", "GET", _base, viewers()),
    Route("programme.show", "GET", lambda w: "/reviews/999999/programme", roles(NOT_FOUND)),
    Route("programme.add", "POST", _base, editors(), data=_session_data),
    Route("programme.edit", "GET", lambda w: f"{_base(w)}/{w.programme_session.id}/edit", editors()),
    Route("programme.edit", "POST", lambda w: f"{_base(w)}/{w.programme_session.id}/edit", editors(),
          data=_session_data),
    # during the visit week only the coordinator and the team lead change the programme
    Route("programme.edit", "POST",
          lambda w: f"/reviews/{w.programme_visit_review.id}/programme/{w.programme_visit_session.id}/edit",
          roles(FORBIDDEN, coordinator=OK, team_lead=OK), data=_visit_data),
    # a session of another review is not found under this review
    Route("programme.edit", "GET",
          lambda w: f"{_base(w)}/{w.programme_visit_session.id}/edit",
          roles(FORBIDDEN, host_member=NOT_FOUND, host_contact=NOT_FOUND, coordinator=NOT_FOUND,
                team_lead=NOT_FOUND)),
    Route("programme.delete", "POST", lambda w: f"{_base(w)}/{w.programme_session.id}/delete",
          editors()),
    Route("programme.print_view", "GET", lambda w: f"{_base(w)}/print", viewers()),
    Route("programme.review_ics", "GET", lambda w: f"/reviews/{w.programme_review.id}/calendar.ics",
          viewers()),
    Route("programme.calendar_settings", "GET", lambda w: "/calendar", roles(OK)),
    Route("programme.calendar_settings", "POST", lambda w: "/calendar", roles(OK),
          data=lambda w: {"action": "create"}),
    # the token is the credential: it works for anyone, logged in or not
    Route("programme.feed", "GET", lambda w: f"/calendar/{w.calendar_token}.ics", everyone(OK)),
    Route("programme.feed", "GET", lambda w: "/calendar/not-a-real-token.ics", everyone(NOT_FOUND)),
]
