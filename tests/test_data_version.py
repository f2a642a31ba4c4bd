"""The implementation figures are remembered between requests until the review results change:
the database moves a counter on every write to the tables they read (migration 0017), so a
city's new progress shows on the coordinator's next visit, whoever or whatever wrote it, and
nothing a request has not committed is ever remembered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, text, update

from peerreview import data_version
from peerreview.extensions import db
from peerreview.reports import figures
from peerreview.reports.models import Recommendation
from tests.mentoring_helpers import mw  # noqa: F401  (a fixture)
from tests.test_recommendation_thread import _issued


def _version():
    return data_version.current(data_version.RESULTS)


def _page(client) -> str:
    res = client.get("/follow-up/")
    assert res.status_code == 200
    return res.get_data(as_text=True)


def _recs(mw, make_review):
    _review, recs = _issued(make_review, mw.riga_city, mw.bench, ratings=("1", "1"), days_ago=400, recs=[
        (0, "Publish waiting times.", "accepted", "in_progress", None),
        (1, "Call learners.", "accepted", "not_started", None)])
    return recs


def test_every_table_the_figures_read_moves_the_version(app, db_session, mw, make_review):
    """An ORM change, a bulk statement and a delete each move it, in every table the figures read."""
    from peerreview.mentoring.models import ProgressRating, ProgressReview

    recs = _recs(mw, make_review)
    review = ProgressReview(mentorship=mw.riga, held_on=mw.today, summary="")
    review.ratings = [ProgressRating(key_factor=mw.kfs[0], rating="2")]
    db.session.add(review)
    db.session.commit()
    before = _version()
    assert before is not None
    db.session.execute(update(Recommendation).where(Recommendation.id == recs[0].id).values(progress="done"))
    db.session.commit()
    after = _version()
    assert after[0] == before[0] and after[1] > before[1]
    for table in data_version.RESULT_TABLES:   # a write that changes nothing still counts
        was = _version()
        db.session.execute(text(f"UPDATE {table} SET id = id"))  # noqa: S608 - names from the module
        db.session.commit()
        assert db.session.scalar(text(f"SELECT count(*) FROM {table}")) > 0, table  # noqa: S608
        assert _version()[1] > was[1], table
    was = _version()
    db.session.delete(db.session.get(Recommendation, recs[1].id))
    db.session.commit()
    assert _version()[1] > was[1]


def test_a_rolled_back_write_leaves_the_version(app, db_session, mw, make_review):
    recs = _recs(mw, make_review)
    before = _version()
    db.session.execute(update(Recommendation).where(Recommendation.id == recs[0].id).values(progress="done"))
    db.session.rollback()
    assert _version() == before


def test_the_coordinator_sees_new_progress_on_the_next_visit(app, client, login, mw, make_review):
    recs = _recs(mw, make_review)
    login(mw.coordinator)
    assert "0 <span class=\"muted\">of 2</span>" in _page(client)   # the headline "Done 0 of 2"
    first = figures.current()
    assert first.network.progress == {"not_started": 1, "in_progress": 1, "done": 0}
    assert figures.current() is first   # remembered
    # the host city reports progress through its follow-up page
    review_id = db.session.get(Recommendation, recs[0].id).report.review_id
    login(mw.riga_member)
    res = client.post(f"/reviews/{review_id}/report/recommendations/{recs[0].id}/progress",
                      data={f"p{recs[0].id}-progress": "done", f"p{recs[0].id}-note": "Published."})
    assert res.status_code == 302
    login(mw.coordinator)
    page = _page(client)
    now = figures.current()
    assert now is not first
    assert now.network.progress == {"not_started": 1, "in_progress": 0, "done": 1}
    # the headline "Done 1 of 2" of the network
    assert "1 <span class=\"muted\">of 2</span>" in page


def test_a_requests_own_unfinished_writes_are_not_remembered(app, db_session, mw, make_review):
    """Figures asked for inside a transaction that wrote are read from committed data, so a
    rollback cannot leave figures of data that never was."""
    recs = _recs(mw, make_review)
    with app.test_request_context("/"):
        before = figures.current().network.progress
        db.session.execute(update(Recommendation).where(Recommendation.id == recs[0].id).values(progress="done"))
        assert figures.current().network.progress == before
        db.session.rollback()
        assert figures.current().network.progress == before
        db.session.execute(update(Recommendation).where(Recommendation.id == recs[0].id).values(progress="done"))
        db.session.commit()
        assert figures.current().network.progress["done"] == before["done"] + 1


def test_remembered_figures_cost_one_statement(app, db_session, mw, make_review):
    _recs(mw, make_review)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.test_request_context("/"):
        figures.current()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            figures.current()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert [s for s in statements if "data_version" not in s and s.strip().upper() not in ("BEGIN", "COMMIT", "ROLLBACK")] == []
    assert len([s for s in statements if "data_version" in s]) == 1


@pytest.mark.parametrize("days", [0, 1])
def test_figures_are_of_the_day_they_are_asked(app, db_session, mw, make_review, clock, days):
    """The shares 'done within 6 months' depend on the day: tomorrow's figures are counted again."""
    _recs(mw, make_review)
    with app.test_request_context("/"):
        first = figures.current()
        clock.shift(timedelta(days=days))
        assert (figures.current() is first) == (days == 0)


def test_a_language_has_its_own_figures(app, client, login, mw, make_review):
    """The chart names the network in the reader's language, whoever asked first."""
    _recs(mw, make_review)
    login(mw.coordinator)
    assert ">Le réseau</text>" in client.get("/follow-up/?lang=fr").get_data(as_text=True)
    english = client.get("/follow-up/?lang=en").get_data(as_text=True)
    assert ">The network</text>" in english and "Le réseau" not in english


def test_no_counter_no_memory(app, db_session, mw, make_review):
    """Where the database has no counter (a database made without the migrations), the figures
    are counted on every request."""
    _recs(mw, make_review)
    db.session.execute(text("UPDATE data_version SET name = 'elsewhere' WHERE name = 'results'"))
    db.session.commit()
    try:
        with app.test_request_context("/"):
            assert figures.current() is not figures.current()
    finally:
        db.session.execute(text("UPDATE data_version SET name = 'results' WHERE name = 'elsewhere'"))
        db.session.commit()
