"""The database itself refuses values the code would refuse: CHECK constraints made from the
code's vocabularies, visit dates in order, and city names unique whatever their case. The
schema here is built by the migrations, so this also checks the migration."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from peerreview.extensions import db
from tests.reports_helpers import complete, rw  # noqa: F401  (rw is a fixture)

# (table, column, a value the code never writes, a value it does)
BAD_VALUES = [
    ("review", "state", "teleported", "visit"),
    ("team_member", "role", "mascot", "peer"),
    ("team_member", "status", "maybe", "accepted"),
    ("observation", "kind", "rumour", "gap"),
    ("self_assessment_entry", "rating", "4", "ne"),
    ("self_assessment_entry", "rating", "", None),
    ("peer_rating", "rating", "2.5", "3"),
    ("peer_rating", "rating", None, "0"),
    ("report", "state", "published", "drafting"),
    ("report_finding", "rating", "NE", "1"),
    ("report_recommendation", "priority", "urgent", "low"),
]


def _refused(sql: str, **params) -> bool:
    try:
        with db.session.begin_nested():
            db.session.execute(text(sql), params)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize("table, column, bad, good", BAD_VALUES,
                         ids=[f"{t}.{c}={b!r}" for t, c, b, _ in BAD_VALUES])
def test_the_database_refuses_a_value_off_the_list(rw, table, column, bad, good):
    complete(rw)
    from peerreview.reports import services as drafting

    drafting.get_or_create(rw.review)
    db.session.commit()
    row_id = db.session.execute(text(f"SELECT min(id) FROM {table}")).scalar()  # noqa: S608
    assert row_id is not None, f"the test world has no {table}"
    update = f"UPDATE {table} SET {column} = :v WHERE id = :id"  # noqa: S608 - names from the list
    assert _refused(update, v=bad, id=row_id), f"{table}.{column} accepted {bad!r}"
    assert not _refused(update, v=good, id=row_id), f"{table}.{column} refused {good!r}"
    db.session.rollback()


def test_every_value_of_the_vocabularies_is_allowed(rw):
    """The constraints come from the same tuples as the code: every value passes."""
    from peerreview.framework.constants import RATING_VALUES
    from peerreview.observations.models import KINDS
    from peerreview.reports.models import PRIORITIES, REPORT_STATES
    from peerreview.reviews.models import SEAT_STATUSES, STATES, TEAM_ROLES

    complete(rw)
    db.session.commit()
    cases = [("review", "state", STATES), ("team_member", "role", TEAM_ROLES),
             ("team_member", "status", SEAT_STATUSES), ("observation", "kind", KINDS),
             ("peer_rating", "rating", RATING_VALUES), ("report", "state", REPORT_STATES),
             ("report_finding", "rating", RATING_VALUES),
             ("report_recommendation", "priority", PRIORITIES),
             ("self_assessment_entry", "rating", RATING_VALUES)]
    for table, column, values in cases:
        row_id = db.session.execute(text(f"SELECT min(id) FROM {table}")).scalar()  # noqa: S608
        for value in values:
            assert not _refused(f"UPDATE {table} SET {column} = :v WHERE id = :id",  # noqa: S608
                                v=value, id=row_id), (table, column, value)
    db.session.rollback()


def test_a_visit_cannot_end_before_it_starts(rw):
    review_id = rw.review.id
    assert _refused("UPDATE review SET visit_end = visit_start - 1 WHERE id = :id"
                    if db.engine.dialect.name == "postgresql" else
                    "UPDATE review SET visit_end = date(visit_start, '-1 day') WHERE id = :id",
                    id=review_id)
    assert not _refused("UPDATE review SET visit_end = visit_start WHERE id = :id", id=review_id)
    assert not _refused("UPDATE review SET visit_start = NULL, visit_end = NULL WHERE id = :id",
                        id=review_id)


def test_city_names_are_unique_whatever_their_case(app, db_session):
    insert = ("INSERT INTO city (name, country, timezone, description, created_at) "
              "VALUES (:name, :country, 'Europe/Brussels', '', CURRENT_TIMESTAMP)")
    assert not _refused(insert, name="Gent", country="BE")
    assert _refused(insert, name="GENT", country="BE")
    assert _refused(insert, name="gent", country="BE")
    assert not _refused(insert, name="Gent", country="NL")    # another country, another city
    db.session.rollback()
