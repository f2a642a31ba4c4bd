"""The access matrix's world, built once per test module, and a request that leaves no trace.

``matrix_world`` fills the database once (per module and test process): the cities and people
of every role (tests/access.py), each feature's objects (``build_world`` of the modules in
tests/access_routes.py), a seat for every seat role on every review, and a decoy review and
mentorship of an unrelated city that own one child object of every kind (for the
child-under-another-parent cases).

``run_case`` sends one request inside a transaction that is rolled back afterwards: the
application's sessions join the test's connection through SAVEPOINTs (SQLAlchemy's
``join_transaction_mode="create_savepoint"``), so what the request commits is undone and the
next case sees the same world.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from flask import message_flashed
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.access import ROLES, Answer, Route, World
from tests.conftest import FROZEN_NOW

PDF = b"%PDF-1.4\n% decoy\n%%EOF\n"

SEAT_ROLES = {  # role -> (team role, seat status) on every review of the world
    "peer_on_team": ("peer", "accepted"),
    "team_lead": ("lead", "accepted"),
    "rapporteur": ("rapporteur", "accepted"),
    "seat_proposed": ("peer", "proposed"),
    "seat_invited": ("peer", "invited"),
    "seat_declined": ("peer", "declined"),
    "seat_removed": ("peer", "removed"),
}


def _people(session):
    from peerreview.auth import services as accounts
    from peerreview.auth.models import User
    from peerreview.cities.models import City

    def city(name, country, tz, description=""):
        c = City(name=name, country=country, timezone=tz, description=description)
        session.add(c)
        return c

    def user(name, c=None, role="member", **kw):
        from tests.conftest import _PASSWORD_HASH

        u = User(name=name, email=f"{name.lower().replace(' ', '.')}@example.org", city=c,
                 city_role=role, languages=["en"], password_hash=_PASSWORD_HASH, **kw)
        session.add(u)
        return u

    host = city("Ghent", "BE", "Europe/Brussels", "Confidential plans of the host")
    other = city("Genoa", "IT", "Europe/Rome")
    seat_cities = {
        "peer_on_team": ("Vienna", "AT", "Europe/Vienna"),
        "team_lead": ("Lisbon", "PT", "Europe/Lisbon"),
        "rapporteur": ("Gothenburg", "SE", "Europe/Stockholm"),
        "seat_proposed": ("Munich", "DE", "Europe/Berlin"),
        "seat_invited": ("Athens", "GR", "Europe/Athens"),
        "seat_declined": ("Dublin", "IE", "Europe/Dublin"),
        "seat_removed": ("Warsaw", "PL", "Europe/Warsaw"),
    }
    users = {
        "deactivated": user("Deactivated Contact", host, "contact", active=False),
        "other_city": user("Other Contact", other, "contact"),
        "former_member": user("Former Member", other),
        "peer_off_team": user("Peer Off Team", city("Riga", "LV", "Europe/Riga")),
        "host_member": user("Host Member", host),
        "host_contact": user("Host Contact", host, "contact"),
        "coordinator": user("Coordinator", None, is_coordinator=True),
        "mentor": user("Mentor Person", city("Utrecht", "NL", "Europe/Amsterdam")),
        "mentee": user("Mentee Person", city("Tampere", "FI", "Europe/Helsinki")),
    }
    for role, (name, country, tz) in seat_cities.items():
        users[role] = user(role.replace("_", " ").title(), city(name, country, tz))
    invited = user("Invited Person", host)
    invited.password_hash = None
    target = user("Target Person", host)
    inactive = user("Inactive Person", host, active=False)
    session.flush()
    objects = {"invited": invited, "target": target, "inactive": inactive,
               "invite_token": accounts.issue_token(invited, "invite"),
               "reset_token": accounts.issue_token(target, "reset")}
    return World(host_city=host, other_city_obj=other, users=users, objects=objects)


def _seat_everyone(session, world):
    """Every seat role holds its seat on every review of the world (decoys excepted)."""
    from peerreview.reviews.models import Review, TeamMember

    decoy = world.objects.get("decoy_review")
    # reviews whose step needs a team without open invitations get only the other seats
    settled = world.objects.get("no_pending_seats", set())
    for review in session.scalars(select(Review)):
        if decoy is not None and review.id == decoy.id:
            continue
        taken = {s.user_id for s in review.team}
        for role, (team_role, status) in SEAT_ROLES.items():
            user = world.users[role]
            if review.id in settled and status in ("proposed", "invited"):
                continue
            if user.id not in taken:
                session.add(TeamMember(review=review, user=user, role=team_role, status=status))


def _decoys(session, world):
    """A review and a mentorship of a city nobody in the world belongs to, owning one child of
    every kind a nested route takes. Under another parent's URL each must answer 404."""
    from peerreview.auth.models import User
    from peerreview.cities.models import City
    from peerreview.files.services import store_bytes
    from peerreview.framework.models import Benchmark, KeyFactor, Theme
    from peerreview.matching.models import ConflictOfInterest
    from peerreview.mentoring.models import MentoringScheme, MentoringVisit, Mentorship
    from peerreview.mentoring.plan_models import MentoringAction
    from peerreview.observations.models import Observation
    from peerreview.reports.models import Recommendation, Report, ReportComment, ReportSection
    from peerreview.reviews.models import (
        EvidenceFile,
        Review,
        ReviewDocument,
        SelfAssessment,
        SelfAssessmentEntry,
        TeamMember,
        VisitSession,
    )

    today = world.today
    city = City(name="Decoy City", country="CZ", timezone="Europe/Prague", description="")
    stranger = User(name="Decoy Peer", email="decoy.peer@example.org", city=city, languages=["en"])
    theme = Theme(slug="decoy-theme", name="Decoy theme", description="")
    bench = Benchmark(theme=theme, version=1, status="published", standard="A decoy standard.")
    kf = KeyFactor(benchmark=bench, code="KF1", title="Decoy factor", position=1,
                   charter_roles=["employer"])
    review = Review(host_city=city, benchmark=bench, state="reporting", working_languages=["en"],
                    visit_start=today - timedelta(days=10), visit_end=today - timedelta(days=7))
    seat = TeamMember(review=review, user=stranger, role="peer", status="accepted")
    session.add_all([city, stranger, theme, bench, kf, review, seat])
    session.flush()
    stored, name = store_bytes(PDF, "decoy.pdf")
    doc = ReviewDocument(review=review, title="Decoy", file=stored, filename=name)
    sa = SelfAssessment(review=review, status="submitted")
    entry = SelfAssessmentEntry(assessment=sa, key_factor=kf, rating="1", narrative="", evidence="")
    evidence = EvidenceFile(entry=entry, file=stored, filename=name)
    obs = Observation(uuid=str(uuid.uuid4()), review=review, author_id=stranger.id, kind="gap",
                      text="Decoy note", key_factor_id=kf.id, file=stored, filename=name)
    visit_session = VisitSession(review=review, day=review.visit_start, start_time=_time(10),
                                 end_time=_time(11), title="Decoy session", session_type="interview")
    report = Report(review=review, state="drafting")
    section = ReportSection(report=report, key="executive_summary", body="Decoy")
    rec = Recommendation(report=report, key_factor=kf, action="Decoy action.", priority="low",
                         owner="Decoy", timeframe_months=6, position=1)
    comment = ReportComment(report=report, section="executive_summary", kind="host", body="Decoy")
    conflict = ConflictOfInterest(review=review, user=stranger, reason="Decoy")
    scheme = MentoringScheme(name="Decoy scheme", theme=theme, benchmark=bench,
                             starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=300))
    mentorship = Mentorship(scheme=scheme, implementing_city=city, mentor_cities=[], state="active",
                            proposed_on=today - timedelta(days=20), started_on=today - timedelta(days=10))
    action = MentoringAction(mentorship=mentorship, number=1, key_factor=kf, description="Decoy.",
                             owner="Decoy", deadline=today + timedelta(days=30), status="planned")
    visit = MentoringVisit(mentorship=mentorship, kind="study", starts_on=today + timedelta(days=5),
                           ends_on=today + timedelta(days=5), participants=[])
    from peerreview.people.models import Interviewee

    interviewee = Interviewee(review=review, session=visit_session, name="Decoy Interviewee",
                              organisation="Decoy", language="en")
    session.add_all([doc, sa, entry, evidence, obs, visit_session, report, section, rec, comment,
                     conflict, scheme, mentorship, action, visit, interviewee])
    session.flush()
    world.objects.update(decoy_review=review, decoy_mentorship=mentorship, decoy_children={
        "doc_id": doc.id, "obs_id": obs.id, "uuid": obs.uuid, "session_id": visit_session.id,
        "comment_id": comment.id, "key_factor_id": kf.id, "target_id": section.id,
        "rec_id": rec.id, "file_id": evidence.id, "conflict_id": conflict.id, "seat_id": seat.id,
        "action_id": action.id, "visit_id": visit.id, "interviewee_id": interviewee.id,
    })


def _time(hour):
    from datetime import time

    return time(hour)


def build(session) -> World:
    from tests import access_routes
    from tests.conftest import FROZEN_TODAY

    world = _people(session)
    world.objects["today"] = FROZEN_TODAY
    for extend in access_routes.WORLD_BUILDERS:
        extend(world, session)
    session.flush()
    _decoys(session, world)
    _seat_everyone(session, world)
    session.flush()
    from peerreview.auth import sessions

    # each person is logged in on one browser: its login session, as the cookies name it
    world.objects["login_ids"] = {role: sessions.start(user) for role, user in world.users.items()}
    return world


_BUILT: dict = {"generation": None, "world": None}


@pytest.fixture
def matrix_world(_app, _session_clock):
    """The world, built once and shared while nothing else empties the tables; each case runs
    in a transaction that is rolled back."""
    from tests.conftest import TABLES_CLEARED

    if _BUILT["generation"] != TABLES_CLEARED[0] or _BUILT["world"] is None:
        _BUILT["world"] = _build_world(_app)
        _BUILT["generation"] = TABLES_CLEARED[0]
    return _BUILT["world"]


def _build_world(_app) -> World:
    from peerreview.extensions import db
    from tests.conftest import _clear_tables

    _clear_tables(_app)
    # built a little before the frozen "now" that every case starts at: links and tokens made
    # for the world must not look as if they were made in the future
    with _app.app_context(), time_machine.travel(FROZEN_NOW - timedelta(minutes=10), tick=True):
        session = db.session()
        session.expire_on_commit = False
        try:
            world = build(session)
            session.commit()
        except Exception as exc:  # noqa: BLE001 - one short line per case, not a traceback each
            db.session.remove()
            pytest.fail(f"the access matrix's world could not be built: {exc!r:.2000}", pytrace=False)
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
    return world


@contextmanager
def rolled_back(app):
    """A connection in a transaction that the application uses for everything until the
    block ends; then everything done in it is undone."""
    from peerreview.extensions import db, limiter

    with app.app_context():
        engines = db._app_engines[app]
        real = engines[None]
        conn = real.connect()
        outer = conn.begin()
        engines[None] = conn
        limiter.reset()
    try:
        yield conn
    finally:
        with app.app_context():
            db.session.remove()
            engines[None] = real
        outer.rollback()
        conn.close()


def login_as(client: FlaskClient, world: World, role: str, *, fresh: bool = False) -> None:
    """Put ``role``'s login session in the client's cookie (anonymous: an empty session).
    ``fresh`` starts a new login session first (inside the case's transaction), for a test
    that sends several requests of which one may have ended the person's session."""
    login_id = world.login_ids.get(role)
    if fresh and role != "anonymous":
        from peerreview.auth import sessions
        from peerreview.auth.models import User
        from peerreview.extensions import db

        with client.application.app_context():
            login_id = sessions.start(db.session.get(User, world.users[role].id))
            db.session.commit()
    with client.session_transaction() as sess:
        sess.clear()
        if role != "anonymous":
            sess["_user_id"] = login_id
            sess["_fresh"] = True


@contextmanager
def matrix_client(app, world: World):
    """A test client whose requests all run in one rolled-back transaction, with the
    connection (for checking what was written) as the second value."""
    with rolled_back(app) as conn:
        yield FlaskClient(app, app.response_class, use_cookies=True), conn


def send(app, world: World, route: Route, role: str, *, url: str | None = None,
         data=None, headers=None, content_type: str | None = None) -> Answer:
    """Send ``route`` as ``role`` in a rolled-back transaction and say what happened."""
    from peerreview.audit.models import AuditEntry
    from peerreview.extensions import db

    url = url or route.url(world)
    if data is None and route.data is not None:
        data = route.data(world)
    flashes: list[tuple[str, str]] = []

    def on_flash(sender, message, category, **extra):
        flashes.append((category, str(message)))

    with rolled_back(app) as conn:
        before = conn.scalar(select(func.coalesce(func.max(AuditEntry.id), 0)))
        client = FlaskClient(app, app.response_class, use_cookies=True)
        login_as(client, world, role)
        with message_flashed.connected_to(on_flash, app):
            response = client.open(url, method=route.method, data=data, headers=headers,
                                   content_type=content_type)
            # what the application does once the answer is sent (mail, a delayed reset link)
            body = response.get_data()
            response.close()
        audit = list(conn.scalars(select(AuditEntry.action).where(AuditEntry.id > before)
                                  .order_by(AuditEntry.id)))
        effect = None
        if route.effect is not None and route.method == "POST":
            with app.app_context():
                effect = bool(route.effect(world, db.session))
        answer = Answer(status=response.status_code, location=response.headers.get("Location", ""),
                        flashes=flashes, audit=audit, effect=effect)
        answer.body = body
        answer.headers = response.headers
    return answer


__all__ = ["ROLES", "matrix_world", "send", "rolled_back", "build", "matrix_client", "login_as"]
