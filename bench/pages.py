"""Main pages at network size: p50/p95 against /healthz, and SQL queries per page at 1x and 10x.

The data set at 10x: 150 cities, 2,000 users, 300 reviews, 50,000 observations (1x is a
tenth). Pages are requested in-process through the Flask test client, so the figures measure
the application and the database, not the network. The ratio to /healthz (one trivial query)
in the same run is the figure that travels between machines.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from datetime import time as dtime

from sqlalchemy import event, insert

PASSWORD_HASH = None


def _build(scale: int, database_url: str, instance: str):
    from flask_migrate import upgrade

    from peerreview import create_app
    from peerreview.auth.models import User
    from peerreview.cities.models import City
    from peerreview.extensions import db
    from peerreview.framework import io
    from peerreview.framework.models import Benchmark, KeyFactor
    from peerreview.observations.models import Observation
    from peerreview.reviews.models import Review, TeamMember, VisitSession

    rng = random.Random(scale)
    app = create_app({"ENVIRONMENT": "testing", "SECRET_KEY": "bench" * 8, "INSTANCE_PATH": instance,
                      "SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        io.import_framework(io.load_default())
        db.session.commit()
        benches = db.session.scalars(db.select(Benchmark)).all()
        kfs = {b.id: [k.id for k in db.session.scalars(db.select(KeyFactor).where(KeyFactor.benchmark_id == b.id))]
               for b in benches}
        n_cities, n_users, n_reviews, n_obs = 15 * scale, 200 * scale, 30 * scale, 5000 * scale
        countries = ["AT", "BE", "DE", "DK", "ES", "FI", "FR", "GR", "IE", "IT", "LV", "NL", "NO", "PL", "PT", "SE"]
        db.session.execute(insert(City), [
            {"name": f"City {i}", "country": countries[i % len(countries)], "timezone": "Europe/Brussels",
             "description": "", "created_at": date.today()} for i in range(n_cities)])
        city_ids = db.session.scalars(db.select(City.id)).all()
        db.session.execute(insert(User), [
            {"email": f"user{i}@bench.example", "name": f"User {i}", "city_id": city_ids[i % n_cities],
             "city_role": "contact" if i < n_cities else "member", "languages": ["en"], "active": True,
             "is_coordinator": i == n_cities, "password_hash": None}
            for i in range(n_users)])
        user_ids = db.session.scalars(db.select(User.id).order_by(User.id)).all()
        user_city = dict(db.session.execute(db.select(User.id, User.city_id)).all())
        states = ["requested", "accepted", "team_forming", "preparing", "visit", "reporting", "issued"]
        today = date.today()
        reviews = []
        for i in range(n_reviews):
            b = benches[i % len(benches)]
            start = today + timedelta(days=rng.randint(-200, 200))
            reviews.append({"host_city_id": city_ids[i % n_cities], "benchmark_id": b.id,
                            "state": states[i % len(states)], "host_questions": ["How?"],
                            "working_languages": ["en"], "background": "Background text.",
                            "visit_start": start, "visit_end": start + timedelta(days=3),
                            "self_assessment_due": start - timedelta(days=28),
                            "programme_due": start - timedelta(days=14),
                            "report_due": start + timedelta(days=33), "team_min": 4, "team_max": 8,
                            "min_countries": 3, "state_reason": ""})
        db.session.execute(insert(Review), reviews)
        review_rows = db.session.execute(db.select(Review.id, Review.host_city_id, Review.benchmark_id,
                                                   Review.visit_start)).all()
        seats, sessions = [], []
        for rid, host, _bid, start in review_rows:
            chosen = [u for u in rng.sample(user_ids, 12) if user_city[u] != host][:6]
            for n, u in enumerate(chosen):
                seats.append({"review_id": rid, "user_id": u, "role": ["lead", "rapporteur"][n] if n < 2 else "peer",
                              "status": "accepted", "reason": ""})
            for d in range(4):
                for h in (9, 11, 14):
                    sessions.append({"review_id": rid, "day": start + timedelta(days=d), "start_time": dtime(h),
                                     "end_time": dtime(h + 1, 30), "title": f"Session {d}-{h}", "venue": "Town hall",
                                     "session_type": "interview", "organisations": "Department",
                                     "organisation_types": ["city_department"], "interpreter_needed": False,
                                     "notes": "", "version": 1})
        db.session.execute(insert(TeamMember), seats)
        db.session.execute(insert(VisitSession), sessions)
        seats_by_review = {}
        for s in seats:
            seats_by_review.setdefault(s["review_id"], []).append(s["user_id"])
        obs = []
        for i in range(n_obs):
            rid, host, bid, start = review_rows[i % len(review_rows)]
            obs.append({"uuid": str(uuid.UUID(int=rng.getrandbits(128))), "review_id": rid,
                        "author_id": rng.choice(seats_by_review[rid]), "key_factor_id": rng.choice(kfs[bid]),
                        "kind": rng.choice(["strength", "gap", "evidence", "question", "good_practice"]),
                        "text": "An observation written during the visit, about a page long in some cases.",
                        "version": 1})
        for start in range(0, len(obs), 5000):
            db.session.execute(insert(Observation), obs[start:start + 5000])
        db.session.commit()
        coordinator = user_ids[n_cities]
        sample_review = review_rows[4][0]  # a review in its visit week state
        member = seats_by_review[sample_review][0]
    return app, coordinator, member, sample_review


def _login(client, user_id):
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def _pages(review_id):
    return [
        ("coordinator", "/reviews/"), ("coordinator", "/people"), ("coordinator", "/cities/"),
        ("coordinator", "/framework/"), ("member", f"/reviews/{review_id}"),
        ("member", f"/reviews/{review_id}/programme"), ("member", f"/reviews/{review_id}/observations"),
        ("member", f"/reviews/{review_id}/observations/consolidation"), ("member", "/reviews/"),
    ]


def _measure(app, coordinator, member, review_id, n: int):
    from peerreview.extensions import db

    clients = {"coordinator": app.test_client(), "member": app.test_client()}
    _login(clients["coordinator"], coordinator)
    _login(clients["member"], member)
    counter = {"n": 0}
    with app.app_context():
        engine = db.engine

    def count(*args):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    out = {}
    try:
        for who, path in [("coordinator", "/healthz")] + _pages(review_id):
            c = clients[who]
            res = c.get(path)
            assert res.status_code == 200, (path, res.status_code)
            counter["n"] = 0
            c.get(path)
            queries = counter["n"]
            samples = []
            for _ in range(n):
                t0 = time.perf_counter()
                c.get(path)
                samples.append((time.perf_counter() - t0) * 1000)
            samples.sort()
            out[path if who == "coordinator" or path != "/reviews/" else "/reviews/ (peer)"] = {
                "p50": statistics.median(samples), "p95": samples[int(0.95 * (len(samples) - 1))],
                "queries": queries}
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return out


def run(results: list, n: int = 40) -> None:
    measured = {}
    for scale in (1, 10):
        with tempfile.TemporaryDirectory() as tmp:
            app, coordinator, member, review_id = _build(scale, f"sqlite:///{tmp}/pages.sqlite", tmp)
            measured[scale] = _measure(app, coordinator, member, review_id, n)
            from peerreview.extensions import db

            with app.app_context():
                db.engine.dispose()
    base = measured[10]["/healthz"]["p95"]
    results.append({"name": "GET /healthz p95 (10x data)", "value": round(base, 2), "unit": "ms"})
    for path, m in measured[10].items():
        if path == "/healthz":
            continue
        results.append({"name": f"GET {path} p95 (10x data)", "value": round(m["p95"], 2), "unit": "ms",
                        "p50": round(m["p50"], 2), "baseline": round(base, 2),
                        "ratio": round(m["p95"] / base, 2), "target": 4})
        q1 = measured[1][path]["queries"]
        results.append({"name": f"queries {path} 1x -> 10x", "value": m["queries"], "unit": "count",
                        "baseline": q1, "ratio": round(m["queries"] / q1, 2) if q1 else None, "target": 1})
