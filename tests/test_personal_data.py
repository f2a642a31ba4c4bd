"""Export ("download my data") and erasure cover every place that holds a person's data.

The registry (peerreview/auth/data_registry.py) lists every column that refers to an account
or holds a person's name, with what export and erasure do with it. The first test walks the
schema and fails when a column is missing from the registry; the others fill every place for
one busy person and check that the export shows it and that after erasure the person's name
and address are nowhere in the database.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import JSON, String, Text, func, select

from peerreview.auth import data_registry
from peerreview.extensions import db

NAME = "Ingrid Nørgaard"
EMAIL = "ingrid.norgaard@example.org"


def _person_columns():
    """(table, column) of every column that refers to an account or may hold a person's name."""
    out = set()
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "user_account" for fk in column.foreign_keys):
                out.add((table.name, column.name))
            elif isinstance(column.type, String | Text) and (
                    column.name == "name" or column.name.endswith("_name") or column.name == "ip"
                    or column.name.endswith("_by")
                    or any(w in column.name for w in ("email", "address", "participant", "owner"))):
                out.add((table.name, column.name))
    return out


def test_every_column_about_a_person_is_in_the_registry(app):
    registered = {(h.table, h.column) for h in data_registry.REGISTRY}
    decided = registered | set(data_registry.NOT_ABOUT_A_PERSON)
    missing = sorted(_person_columns() - decided)
    assert missing == [], (
        "columns that refer to a person but are not covered by export and erasure; add them to "
        f"peerreview/auth/data_registry.py: {missing}")
    # and the registry names real columns, with a known action and a reason where needed
    for h in data_registry.REGISTRY:
        assert h.column in db.metadata.tables[h.table].c, (h.table, h.column)
        assert h.erase in data_registry.ERASE_ACTIONS
        assert h.export is not None or h.why, f"{h.table}.{h.column}: say why it is not exported"


def test_the_export_has_every_key_the_registry_names(app, db_session, make_user):
    from peerreview.auth.personal_data import collect

    keys = set(collect(make_user()))
    assert data_registry.export_keys() <= keys, data_registry.export_keys() - keys


def _busy_person(make_user, make_city, make_review, make_benchmark):
    """One person with data in every place the registry lists, made through the services."""
    from peerreview.audit.services import record
    from peerreview.auth import services as accounts
    from peerreview.auth import sessions
    from peerreview.deadlines.models import HeldMessage, NotificationPreference, ReminderSent
    from peerreview.matching import services as pool
    from peerreview.matching.models import MatchRun
    from peerreview.notifications.queue import manual_delivery, queue_mail
    from peerreview.observations.models import Observation, PeerRating
    from peerreview.reviews import ical
    from peerreview.reviews import services as reviews
    from peerreview.reviews.models import ReviewEvent

    coordinator = make_user("Coordinator", coordinator=True)
    person = make_user(NAME, email=EMAIL, city=make_city("Aarhus", "DK"))
    host_contact = make_user("Host Contact", city=make_city("Ghent", "BE"), city_role="contact")
    bench = make_benchmark()
    forming = make_review("team_forming", host=host_contact.city, benchmark=bench)
    visiting = make_review("visit", host=make_city("Genoa", "IT"), benchmark=bench)

    profile = pool.ensure_profile(person, actor=person)                        # peer.join
    pool.update_profile(profile, expertise={bench.theme_id: "expert"}, languages=["da", "en"],
                        max_reviews_per_year=3, note="Prefers trains to planes", actor=person)
    pool.add_unavailable(profile, date.today() + timedelta(days=30), date.today() + timedelta(days=40),
                         "Parental leave", actor=person)
    pool.bid(forming, person, "join", note="I led a similar review in Aarhus", actor=person)
    pool.flag_conflict(forming, person, "Worked for the host city until last year", actor=host_contact)
    reviews.add_member(forming, person, role="peer", status="proposed", actor=coordinator)
    record("matching.run", forming, actor=coordinator, changes={
        "proposed": [NAME, "Someone Else"], "reasons": [f"{NAME} speaks Danish"]})
    db.session.add(MatchRun(review=forming, actor_id=coordinator.id, kind="team", status="OPTIMAL",
                            proposed=[person.id], messages=[f"{NAME} is the only expert"], details={}))
    db.session.add(ReviewEvent(review=forming, actor_id=coordinator.id, from_state="team_forming",
                               to_state="team_forming",
                               note=f"Team proposed by the matcher (best possible): {NAME}"))
    seat = reviews.add_member(visiting, person, role="rapporteur", status="accepted", actor=coordinator)
    db.session.add(Observation(uuid="0b7f0a36-6a51-4a8e-9c1b-3f0e2b9a1c11", review=visiting,
                               author_id=person.id, kind="gap", text="No interpreters at the desk."))
    db.session.add(PeerRating(review_id=visiting.id, user_id=person.id,
                              key_factor_id=bench.key_factors[0].id, rating="1", note="Partly"))
    accounts.update_profile(person, name=NAME, languages=["da"], actor=person)
    accounts.issue_token(person, "reset")
    record("auth.login_failed", object_type="user_account", changes={"email": EMAIL})
    sessions.start(person, remember=True)
    ical.create_feed(person, actor=person)
    db.session.add(NotificationPreference(user_id=person.id, kind="review.updates", mode="weekly"))
    db.session.add(HeldMessage(user_id=person.id, kind="review.updates",
                               subject=f"Hello {NAME}", body=f"Dear {NAME}, the review moved on."))
    db.session.add(ReminderSent(kind="review.invitation_answer", object_type="review",
                                object_id=forming.id, user_id=person.id, stage="week",
                                due=date.today()))
    db.session.add(HeldMessage(user_id=coordinator.id, kind="review.updates",
                               subject=f"{NAME} joined the team", body=f"{NAME} ({EMAIL}) joined."))
    with manual_delivery():
        queue_mail(EMAIL, "password_reset", user=person, link="http://localhost/x")
        queue_mail(coordinator.email, "team_invitation", user=coordinator, review=forming,
                   seat=type("Seat", (), {"role": "peer"})(), link=f"http://localhost/{NAME}")
    db.session.commit()
    return person, coordinator, seat


def test_the_export_shows_everything_about_the_person(app, client, login, make_user, make_city,
                                                       make_review, make_benchmark):
    person, _, _ = _busy_person(make_user, make_city, make_review, make_benchmark)
    login(person)
    data = client.get("/account/data.json").get_json(force=True)
    assert data["account"]["email"] == EMAIL and data["account"]["name"] == NAME
    profile = data["peer_profile"]
    assert profile["note"] == "Prefers trains to planes" and profile["max_reviews_per_year"] == 3
    assert list(profile["expertise"].values()) == ["expert"]
    assert [p["note"] for p in profile["unavailable"]] == ["Parental leave"]
    assert [b["note"] for b in data["review_bids"]] == ["I led a similar review in Aarhus"]
    assert {s["role"] for s in data["review_teams"]} == {"peer", "rapporteur"}
    assert [o["text"] for o in data["observations"]] == ["No interpreters at the desk."]
    assert [r["note"] for r in data["peer_ratings"]] == ["Partly"]
    assert data["notification_preferences"] == {"review.updates": "weekly"}
    assert [h["subject"] for h in data["held_messages"]] == [f"Hello {NAME}"]
    assert [m["to"] for m in data["mail"]] == [EMAIL]
    assert [r["kind"] for r in data["reminders"]] == ["review.invitation_answer"]
    assert len(data["login_sessions"]) == 2 and len(data["calendar_feed"]) == 1
    assert [t["purpose"] for t in data["account_links"]] == ["reset"]
    assert {"peer.join", "peer.update", "review.bid"} <= {a["action"] for a in data["activity"]}
    # the host city's confidential conflict of interest is not shown to the peer
    assert "Worked for the host city" not in json.dumps(data)


def _everywhere(needles) -> list[str]:
    """Every text and JSON value in the database that contains one of ``needles``."""
    db.session.rollback()
    found = []
    lowered = [n.lower() for n in needles] + [json.dumps(n)[1:-1].lower() for n in needles]
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)).all():
            for column, value in zip(columns, row, strict=True):
                text = (value if isinstance(value, str) else json.dumps(value)).lower()
                if any(n in text for n in lowered):
                    found.append(f"{table.name}.{column.name}: {text[:120]}")
    return found


def test_erasure_leaves_the_name_and_address_nowhere(app, client, login, make_user, make_city,
                                                     make_review, make_benchmark):
    from peerreview.audit.models import AuditEntry
    from peerreview.auth.models import User
    from peerreview.observations.models import Observation
    from peerreview.reviews.models import TeamMember

    person, coordinator, seat = _busy_person(make_user, make_city, make_review, make_benchmark)
    assert len(_everywhere([NAME, EMAIL])) >= 10     # the test does reach the places
    login(coordinator)
    assert client.post(f"/people/{person.id}/erase").status_code == 302

    assert _everywhere([NAME, EMAIL, "Prefers trains", "Parental leave", "similar review in Aarhus"]) == []
    # rows about the person are gone; what they did with others stays, as former member
    for h in data_registry.holdings("delete"):
        table = db.metadata.tables[h.table]
        if any(fk.column.table.name == "user_account" for fk in table.c[h.column].foreign_keys):
            count = db.session.scalar(select(func.count()).select_from(table)
                                      .where(table.c[h.column] == person.id))
            assert count == 0, h.table
    assert db.session.scalar(select(func.count()).select_from(db.metadata.tables["peer_unavailability"])) == 0
    assert db.session.get(TeamMember, seat.id).user_id == person.id
    assert db.session.scalars(select(Observation.author_id)).all() == [person.id]
    erased = db.session.get(User, person.id)
    assert erased.display_name == "former member" and not erased.is_active
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.actor_id == person.id, AuditEntry.ip.is_not(None))) == 0
    event_note = db.session.scalar(select(db.metadata.tables["review_event"].c.note).where(
        db.metadata.tables["review_event"].c.note.like("Team proposed%")))
    assert event_note == "Team proposed by the matcher (best possible): former member"
