"""Migration recommendation_thread on existing rows: issued recommendations get their codes in the
document's order (a later version's in its own turn), done ones their date, and a recommendation
a mentoring action works on gets its response and progress from it; saved plan versions name the
recommendation by its code."""

from __future__ import annotations

import json
from datetime import date, datetime

from flask_migrate import upgrade
from sqlalchemy import MetaData, Table, inspect, text

from peerreview import create_app
from tests.conftest import make_test_config


def test_existing_rows_are_migrated(database_url_factory, tmp_path):
    from peerreview.extensions import db

    app = create_app(make_test_config(database_url_factory("thread"), tmp_path))
    with app.app_context():
        upgrade(revision="0008")
        from peerreview.cities.models import City
        from peerreview.framework.models import Benchmark, KeyFactor, Theme
        from peerreview.mentoring.models import MentoringScheme, Mentorship
        from peerreview.mentoring.plan_models import ActionUpdate, MentoringAction, PlanVersion
        from peerreview.reports.models import Recommendation, Report, ReportVersion
        from peerreview.reviews.models import Review

        def add(model, *rows):
            # the model's own defaults fill what the test leaves out; columns that later
            # migrations add (not in the database yet) are left out
            with db.engine.begin() as conn:
                present = {c["name"] for c in inspect(conn).get_columns(model.__tablename__)}
                table = Table(model.__tablename__, MetaData(),
                              *[c._copy() for c in model.__table__.columns if c.name in present])
                for row in rows:   # one by one: the rows do not all name the same columns
                    conn.execute(table.insert(), row)

        def rec(id_, kf, action, position, **kw):
            return {"id": id_, "report_id": 1, "key_factor_id": kf, "action": action, "position": position,
                    "priority": "high", "owner": "", "rationale": "", "timeframe_months": 12, "version": 1,
                    "response_reason": "", "progress_note": "", **kw}

        add(City, {"id": 1, "name": "Rotterdam", "country": "NL", "timezone": "Europe/Amsterdam",
                   "description": ""})
        add(Theme, {"id": 1, "slug": "courses", "name": "Courses", "description": ""})
        add(Benchmark, {"id": 1, "theme_id": 1, "version": 1, "status": "published", "standard": "A standard.",
                        "source_note": ""})
        add(KeyFactor, {"id": 1, "benchmark_id": 1, "code": "KF1", "title": "First", "description": "",
                        "position": 1, "charter_roles": []},
            {"id": 2, "benchmark_id": 1, "code": "KF2", "title": "Second", "description": "", "position": 2,
             "charter_roles": []})
        add(Review, {"id": 1, "host_city_id": 1, "benchmark_id": 1, "state": "issued", "host_questions": [],
                     "working_languages": [], "background": "", "team_min": 4, "team_max": 8,
                     "min_countries": 3, "state_reason": ""})
        add(Report, {"id": 1, "review_id": 1, "state": "issued"})
        # entered in this order: KF2 first, then KF1; a fourth one after version 1
        add(Recommendation, rec(10, 2, "Evening classes.", 1, created_at=datetime(2026, 3, 1)),
            rec(11, 1, "Book the intake.", 2, created_at=datetime(2026, 3, 1), response="accepted",
                progress="done", progress_on=date(2026, 4, 1)),
            rec(12, 1, "Publish waiting times.", 3, created_at=datetime(2026, 3, 1)),
            rec(13, 1, "A late one.", 4, created_at=datetime(2026, 3, 20)))
        add(ReportVersion, {"id": 1, "report_id": 1, "number": 1, "sha256": "a", "size": 1, "pages": 1,
                            "note": "", "issued_at": datetime(2026, 3, 10, 11)},
            {"id": 2, "report_id": 1, "number": 2, "sha256": "b", "size": 1, "pages": 1, "note": "R4",
             "issued_at": datetime(2026, 3, 25, 11)})
        add(MentoringScheme, {"id": 1, "name": "S", "theme_id": 1, "benchmark_id": 1,
                              "starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 31), "description": ""})
        add(Mentorship, {"id": 1, "scheme_id": 1, "implementing_city_id": 1, "state": "active",
                         "proposed_on": date(2026, 3, 12), "state_reason": ""})
        add(MentoringAction, {"id": 1, "mentorship_id": 1, "number": 1, "key_factor_id": 2,
                              "description": "Evening classes.", "owner": "Schools", "deadline": date(2026, 9, 1),
                              "resources": "", "indicator": "", "status": "in_progress", "drop_reason": "",
                              "source": "", "recommendation_id": 10, "created_at": datetime(2026, 3, 15, 9),
                              "version": 1})
        add(ActionUpdate, {"id": 1, "action_id": 1, "on_date": date(2026, 4, 2), "note": "Started.",
                           "from_status": "planned", "to_status": "in_progress"})
        add(PlanVersion, {"id": 1, "mentorship_id": 1, "number": 1, "note": "",
                          "snapshot": [{"code": "A1", "source": "Peer review of Rotterdam, recommendation 1"}]})
        upgrade()
        with db.engine.connect() as conn:
            codes = dict(conn.execute(text("SELECT id, number FROM report_recommendation")).all())
            # document order (KF1 before KF2), version 1 first; the late one gets the next code
            assert codes == {11: 1, 12: 2, 10: 3, 13: 4}
            issued = dict(conn.execute(text("SELECT id, issued_on FROM report_recommendation")).all())
            assert str(issued[11])[:10] == "2026-03-10" and str(issued[13])[:10] == "2026-03-25"
            rec10 = conn.execute(text("SELECT response, progress, progress_on FROM report_recommendation "
                                      "WHERE id = 10")).one()
            assert (rec10[0], rec10[1], str(rec10[2])[:10]) == ("accepted", "in_progress", "2026-04-02")
            assert str(conn.execute(text("SELECT done_on FROM report_recommendation WHERE id = 11")).scalar())[:10] \
                == date(2026, 4, 1).isoformat()
            kinds = conn.execute(text("SELECT kind, status FROM report_recommendation_update "
                                      "WHERE recommendation_id = 10 ORDER BY id")).all()
            assert [tuple(k) for k in kinds] == [("response", "accepted"), ("progress", "in_progress")]
            snapshot = conn.execute(text("SELECT snapshot FROM mentoring_plan_version")).scalar()
            snapshot = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
            assert snapshot[0]["source"] == "Peer review of Rotterdam (Courses), R3"
        db.engine.dispose()
