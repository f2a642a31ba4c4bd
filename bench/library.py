"""The library at network size: search and the heatmap, p95 as a ratio to /healthz in the same
run, and SQL queries per page at 1x and 10x, on SQLite and on PostgreSQL.

10x: 3,000 issued reports with about 100,000 findings, recommendations and good practices in
the library (1x is a tenth); most reports are shared with the network, some public, some
private, and a few items held back. The texts draw on a vocabulary of a few thousand words
with a long tail, as real reports do, so that a two-word search matches a few hundred items,
not half the library. Target: search under 50 ms p95.
"""

from __future__ import annotations

import gc
import os
import random
import tempfile
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import event, insert

from bench.reports import WORDS
from bench.timing import in_turn

PG_ADMIN_URL = os.environ.get("PEERREVIEW_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
RARE = [f"{a}{b}" for a in ("inter", "co", "re", "pre", "sub", "multi", "trans", "over", "under", "out")
        for b in ("link", "desk", "plan", "path", "hub", "team", "fund", "board", "room", "point", "shop",
                  "book", "card", "line", "week", "club", "walk", "talk", "test", "form")]
SEARCHES = {"two words": "evening childcare", "rare word": "interlink", "word start": "mentor placem"}


def _text(rng: random.Random, n: int) -> str:
    words = []
    for _ in range(n):
        r = rng.random()
        words.append(rng.choice(RARE) if r < 0.03 else rng.choice(WORDS[:12]) if r < 0.6
                     else f"term{int(rng.paretovariate(1.2)) % 3000}" if r < 0.8 else rng.choice(WORDS))
    return " ".join(words).capitalize() + "."


def _build(scale: int, url: str, instance: str):
    from flask_migrate import upgrade

    from peerreview import create_app
    from peerreview.auth.models import User
    from peerreview.cities.models import City
    from peerreview.extensions import db
    from peerreview.framework import io
    from peerreview.framework.models import Benchmark, KeyFactor
    from peerreview.library.models import LibraryItem, facets
    from peerreview.reports.models import Recommendation, Report
    from peerreview.reviews.models import Review

    rng = random.Random(scale)
    app = create_app({"ENVIRONMENT": "testing", "SECRET_KEY": "bench" * 8, "INSTANCE_PATH": instance,
                      "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        io.import_framework(io.load_default())
        db.session.commit()
        benches = db.session.scalars(db.select(Benchmark)).all()
        kfs = {b.id: db.session.scalars(db.select(KeyFactor).where(KeyFactor.benchmark_id == b.id)
                                        .order_by(KeyFactor.position)).all() for b in benches}
        countries = ["AT", "BE", "DE", "DK", "ES", "FI", "FR", "GR", "IE", "IT", "LV", "NL", "NO", "PL", "PT", "SE"]
        n_cities, n_reports = 15 * scale, 300 * scale
        db.session.execute(insert(City), [{"name": f"City {i}", "country": countries[i % 16],
                                           "timezone": "Europe/Brussels", "description": ""}
                                          for i in range(n_cities)])
        cities = db.session.execute(db.select(City.id, City.name, City.country)).all()
        db.session.execute(insert(User), [{"email": f"member{i}@bench.example", "name": f"Member {i}",
                                           "city_id": cities[i].id, "city_role": "member", "languages": ["en"],
                                           "active": True, "is_coordinator": False} for i in range(n_cities)])
        today = date.today()
        reviews = []
        for i in range(n_reports):
            b = benches[i % len(benches)]
            start = today - timedelta(days=rng.randint(60, 365 * 12))
            reviews.append({"host_city_id": cities[i % n_cities].id, "benchmark_id": b.id, "state": "follow_up",
                            "host_questions": [], "working_languages": ["en"], "background": "",
                            "visit_start": start, "visit_end": start + timedelta(days=3), "team_min": 4,
                            "team_max": 8, "min_countries": 3, "state_reason": ""})
        db.session.execute(insert(Review), reviews)
        review_rows = db.session.execute(db.select(Review.id, Review.host_city_id, Review.benchmark_id,
                                                   Review.visit_start).order_by(Review.id)).all()
        db.session.execute(insert(Report), [{"review_id": r.id, "state": "issued"} for r in review_rows])
        report_of = dict(db.session.execute(db.select(Report.review_id, Report.id)).all())
        city_of = {c.id: c for c in cities}
        theme_of = {b.id: (b.theme_id, b.theme.name, b.version) for b in benches}
        recs, items = [], []
        progress = ["not_started", "in_progress", "done"]
        for r in review_rows:
            report_id, issued = report_of[r.id], r.visit_start + timedelta(days=30)
            for n in range(1, 23):
                recs.append({"report_id": report_id, "key_factor_id": kfs[r.benchmark_id][n % len(kfs[r.benchmark_id])].id,
                             "action": "x", "number": n, "priority": "medium", "owner": "", "timeframe_months": 12,
                             "position": n, "issued_on": issued, "response": "accepted",
                             "progress": rng.choice(progress), "done_on": issued + timedelta(days=200)})
        db.session.execute(insert(Recommendation), recs)
        rec_ids = {(a, b): c for a, b, c in db.session.execute(
            db.select(Recommendation.report_id, Recommendation.number, Recommendation.id)).all()}
        now = datetime.now()
        for r in review_rows:
            report_id, issued = report_of[r.id], r.visit_start + timedelta(days=30)
            city = city_of[r.host_city_id]
            theme_id, theme_name, version = theme_of[r.benchmark_id]
            roll = rng.random()
            level = "public" if roll < 0.1 else "network" if roll < 0.75 else "private"
            entries = [("finding", kf.code, kf, None) for kf in kfs[r.benchmark_id]]
            entries += [("recommendation", f"R{n}", kfs[r.benchmark_id][n % len(kfs[r.benchmark_id])],
                         rec_ids[(report_id, n)]) for n in range(1, 23)]
            entries += [("practice", f"P{n}", None, None) for n in range(1, 4)]
            for kind, code, kf, rec_id in entries:
                body = _text(rng, rng.randint(25, 60))
                items.append({
                    "report_id": report_id, "review_id": r.id, "kind": kind, "code": code, "recommendation_id": rec_id,
                    "key_factor_id": kf.id if kf else None, "kf_code": kf.code if kf else "",
                    "kf_title": kf.title if kf else "", "kf_position": kf.position if kf else 0,
                    "charter_roles": "|" + "|".join(kf.charter_roles or []) + "|" if kf else "",
                    "theme_id": theme_id, "theme_name": theme_name, "benchmark_id": r.benchmark_id,
                    "benchmark_version": version, "city_id": city.id, "city_name": city.name, "country": city.country,
                    "issued_on": issued, "year": issued.year, "title": body[:120], "body": body,
                    "rating": str(rng.randint(0, 3)) if kind == "finding" else None,
                    "self_rating": str(rng.randint(0, 3)) if kind == "finding" else None,
                    "level": level, "withheld": rng.random() < 0.05, "published_at": now if level == "public" else None,
                    "search_text": f"{code} {body} {city.name} {theme_name}", "indexed_at": now})
                items[-1]["search_facets"] = facets(kind, theme_id, city.id, city.country, issued.year,
                                                    items[-1]["kf_code"], items[-1]["charter_roles"])
        for start in range(0, len(items), 5000):
            db.session.execute(insert(LibraryItem), items[start:start + 5000])
        db.session.commit()
        member = db.session.scalar(db.select(User.id).where(User.email == "member0@bench.example"))
        theme_id = benches[0].theme_id
        count = db.session.scalar(db.select(db.func.count(LibraryItem.id)))
        db.session.commit()
        # What a database that has run a while knows and has done: its statistics, and on
        # PostgreSQL the search index's pending entries merged (autovacuum does both after a
        # large insert; unmerged, every search reads the pending list through).
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(db.text("VACUUM ANALYZE"))
        else:
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
    return app, member, theme_id, count


def _login(app, client, user_id):
    from peerreview.auth import sessions
    from peerreview.auth.models import User
    from peerreview.extensions import db

    with app.app_context():
        login_id = sessions.start(db.session.get(User, user_id))
        db.session.commit()
    with client.session_transaction() as s:
        s["_user_id"] = login_id
        s["_fresh"] = True


def _measure(app, member, theme_id, n):
    from urllib.parse import quote

    from peerreview.extensions import db

    client = app.test_client()
    _login(app, client, member)
    pages = [("healthz", "/healthz"), ("newest, no words", "/library/")]
    pages += [(f"search: {k}", f"/library/?q={quote(v)}") for k, v in SEARCHES.items()]
    pages += [("search + filters", f"/library/?q=evening&kind=recommendation&status=done&theme={theme_id}"),
              ("heatmap", f"/library/themes/{theme_id}")]
    counter = {"n": 0}
    with app.app_context():
        engine = db.engine

    def count(*args):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    out = {}
    try:
        queries = {}
        for name, path in pages:
            res = client.get(path)
            assert res.status_code == 200, (path, res.status_code)
            counter["n"] = 0
            client.get(path)
            queries[name] = counter["n"]
        # what the first requests left frozen too, as in bench.pages
        gc.collect()
        gc.freeze()
        # every page once per round, /healthz among them
        times = in_turn({name: (lambda path=path: client.get(path)) for name, path in pages}, n)
        for name, _ in pages:
            out[name] = {"p50": times[name]["p50"], "p95": times[name]["p95"], "queries": queries[name]}
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return out


def _pg_url():
    try:
        import psycopg

        name = f"peerreview_bench_library_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}", name
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL here: say so in the results
        return None, str(exc)


def _drop(name):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(results: list, n: int = 40, databases=("sqlite", "postgresql")) -> None:
    for database in databases:
        measured = {}
        for scale in (1, 10):
            with tempfile.TemporaryDirectory() as tmp:
                name = None
                if database == "sqlite":
                    url = f"sqlite:///{tmp}/library.sqlite"
                else:
                    url, name = _pg_url()
                    if url is None:
                        results.append({"name": f"library on postgresql: not measured ({name[:80]})",
                                        "value": None, "unit": ""})
                        break
                app, member, theme_id, count = _build(scale, url, tmp)
                gc.collect()
                gc.freeze()
                try:
                    measured[scale] = (_measure(app, member, theme_id, n), count)
                finally:
                    gc.unfreeze()
                from peerreview.extensions import db

                with app.app_context():
                    db.engine.dispose()
                if name:
                    _drop(name)
        if 10 not in measured:
            continue
        pages, count = measured[10]
        base = pages["healthz"]["p95"]
        results.append({"name": f"library items at 10x ({database})", "value": count, "unit": "count"})
        results.append({"name": f"GET /healthz p95 (library 10x, {database})", "value": round(base, 2), "unit": "ms"})
        for page, m in pages.items():
            if page == "healthz":
                continue
            row = {"name": f"library {page} p95 (10x, {database})", "value": round(m["p95"], 2), "unit": "ms",
                   "p50": round(m["p50"], 2), "baseline": round(base, 2), "ratio": round(m["p95"] / base, 2)}
            if page.startswith("search"):
                row["target_ms"] = 50
            results.append(row)
            q1 = measured[1][0][page]["queries"]
            results.append({"name": f"queries library {page} 1x -> 10x ({database})", "value": m["queries"],
                            "unit": "count", "baseline": q1, "ratio": round(m["queries"] / q1, 2) if q1 else None,
                            "target": 1})


if __name__ == "__main__":
    out: list = []
    run(out)
    for row in out:
        print(row)
