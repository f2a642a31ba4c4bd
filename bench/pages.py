"""Main pages at network size: p50/p95 against /healthz, and SQL queries per page at 1x and 10x.

The data set at 10x: 150 cities, 2,000 users, 300 reviews, 50,000 observations, 100
mentorships, and for the 42 issued reviews a report with coded recommendations and their
follow-up (1x is a tenth). Pages are requested in-process through the Flask test client, so the figures measure
the application and the database, not the network. The ratio to /healthz (one trivial query)
in the same run is the figure that travels between machines.
"""

from __future__ import annotations

import gc
import os
import random
import tempfile
import time
import uuid
from datetime import date, timedelta
from datetime import time as dtime

from sqlalchemy import event, insert

from bench.timing import in_turn

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
        mentor = _mentorships(db, rng, scale, benches, kfs, city_ids, user_ids, user_city, today)
        city_user = _reports(db, rng, review_rows, states, kfs, user_ids, user_city, today)
        db.session.commit()
        coordinator = user_ids[n_cities]
        sample_review = review_rows[4][0]  # a review in its visit week state
        member = seats_by_review[sample_review][0]
    return app, coordinator, member, sample_review, (*mentor, city_user)


def _reports(db, rng, review_rows, states, kfs, user_ids, user_city, today):
    """Every issued review gets a report with a team rating per key factor and eight coded
    recommendations, with responses, progress and done dates: what the implementation figures
    count. Returns (a person of a city with issued reviews, that city)."""
    from peerreview.reports.models import Finding, Recommendation, Report

    issued = [(rid, host, bid, start) for n, (rid, host, bid, start) in enumerate(review_rows)
              if states[n % len(states)] == "issued"]
    db.session.execute(insert(Report), [{"review_id": rid, "state": "issued"} for rid, *_ in issued])
    report_of = dict(db.session.execute(db.select(Report.review_id, Report.id)).all())
    db.session.execute(insert(Finding), [
        {"report_id": report_of[rid], "key_factor_id": k, "rating": str(rng.randint(0, 3)), "rationale": "",
         "strengths": "", "improvements": "", "version": 1}
        for rid, _host, bid, _start in issued for k in kfs[bid]])
    recs = []
    for rid, _host, bid, start in issued:
        issued_on = min(start + timedelta(days=35), today) - timedelta(days=rng.randint(0, 700))
        for n in range(8):
            response = rng.choice(["accepted", "accepted", "partly", "not_accepted", None])
            progress = rng.choice(["not_started", "in_progress", "done"]) if response in ("accepted", "partly") else None
            done_on = issued_on + timedelta(days=rng.randint(30, 700)) if progress == "done" else None
            recs.append({"report_id": report_of[rid], "key_factor_id": kfs[bid][n % len(kfs[bid])],
                         "action": "Do a concrete thing that the team recommends.", "rationale": "",
                         "priority": "medium", "owner": "A department", "timeframe_months": 12,
                         "position": n + 1, "number": n + 1, "issued_on": issued_on, "version": 1,
                         "response": response, "response_reason": "", "progress": progress,
                         "progress_note": "", "done_on": done_on if done_on and done_on <= today else None})
    db.session.execute(insert(Recommendation), recs)
    host = issued[0][1]
    return next(u for u in user_ids if user_city[u] == host and u != user_ids[0]), host


def _mentorships(db, rng, scale, benches, kfs, city_ids, user_ids, user_city, today):
    """10 mentorships per scale unit (100 at network size), each with people, a needs
    assessment, visits, a progress review and a dozen actions. The measured mentor follows
    two of them at every scale, as a real mentor would."""
    from peerreview.mentoring.models import (
        MentoringScheme,
        MentoringVisit,
        Mentorship,
        MentorshipPerson,
        NeedsAssessment,
        NeedsEntry,
        ProgressRating,
        ProgressReview,
        SchemeCity,
        mentor_city,
    )
    from peerreview.mentoring.plan_models import MentoringAction

    n = 10 * scale
    b = benches[0]
    db.session.execute(insert(MentoringScheme), [
        {"name": f"Scheme {i}", "theme_id": b.theme_id, "benchmark_id": b.id,
         "starts_on": today - timedelta(days=200), "ends_on": today + timedelta(days=400), "description": ""}
        for i in range(scale)])
    scheme_ids = db.session.scalars(db.select(MentoringScheme.id).order_by(MentoringScheme.id)).all()
    # five mentor cities; every implementing city is mentored once
    pairs = [(city_ids[i % 5], city_ids[5 + i]) for i in range(n)]
    db.session.execute(insert(Mentorship), [
        {"scheme_id": scheme_ids[i % scale], "implementing_city_id": impl, "state": "active",
         "proposed_on": today - timedelta(days=190), "started_on": today - timedelta(days=180),
         "state_reason": "", "next_review_on": today + timedelta(days=rng.randint(5, 90))}
        for i, (_mentor_city, impl) in enumerate(pairs)])
    m_ids = db.session.scalars(db.select(Mentorship.id).order_by(Mentorship.id)).all()
    scheme_city, seen = [], set()
    for i, (mc, impl) in enumerate(pairs):
        for city, role in ((mc, "mentor"), (impl, "implementing")):
            key = (scheme_ids[i % scale], city)
            if key not in seen:
                seen.add(key)
                scheme_city.append({"scheme_id": key[0], "city_id": city, "role": role})
    db.session.execute(insert(SchemeCity), scheme_city)
    db.session.execute(insert(mentor_city), [{"mentorship_id": m, "city_id": mc}
                                             for m, (mc, _impl) in zip(m_ids, pairs, strict=True)])
    by_city = {}
    for u in user_ids:
        by_city.setdefault(user_city[u], []).append(u)
    the_mentor = by_city[pairs[0][0]][2]  # [1] may be the coordinator
    people = []
    for i, (m, (mc, impl)) in enumerate(zip(m_ids, pairs, strict=True)):
        mentor_user = the_mentor if i in (0, 5) else by_city[mc][2]
        people += [{"mentorship_id": m, "user_id": mentor_user, "role": "mentor"},
                   {"mentorship_id": m, "user_id": by_city[impl][3], "role": "mentee"}]
    db.session.execute(insert(MentorshipPerson), people)
    db.session.execute(insert(NeedsAssessment), [{"mentorship_id": m, "goals": "Close the gaps.",
                                                  "assessed_on": today - timedelta(days=170), "version": 1}
                                                 for m in m_ids])
    needs = dict(db.session.execute(db.select(NeedsAssessment.mentorship_id, NeedsAssessment.id)).all())
    factors = kfs[b.id]
    db.session.execute(insert(NeedsEntry), [
        {"needs_id": needs[m], "key_factor_id": k, "rating": str(rng.randint(0, 2)), "narrative": "Baseline.",
         "gap": "Gap." if rng.random() < 0.5 else ""} for m in m_ids for k in factors])
    db.session.execute(insert(MentoringVisit), [
        {"mentorship_id": m, "kind": kind, "starts_on": today + timedelta(days=d), "ends_on": today + timedelta(days=d + 1),
         "location": "Town hall", "other_participants": "", "agenda": "Agenda.", "notes": "", "agreed": "",
         "version": 1} for m in m_ids for kind, d in (("study", -90), ("mentoring", 30))])
    db.session.execute(insert(ProgressReview), [{"mentorship_id": m, "held_on": today - timedelta(days=30),
                                                 "summary": "Moving."} for m in m_ids])
    reviews = dict(db.session.execute(db.select(ProgressReview.mentorship_id, ProgressReview.id)).all())
    db.session.execute(insert(ProgressRating), [
        {"review_id": reviews[m], "key_factor_id": k, "rating": str(rng.randint(1, 3)), "note": ""}
        for m in m_ids for k in factors])
    db.session.execute(insert(MentoringAction), [
        {"mentorship_id": m, "number": a + 1, "key_factor_id": factors[a % len(factors)],
         "description": "Do a concrete thing.", "owner": "Integration office",
         "deadline": today + timedelta(days=rng.randint(-60, 200)), "resources": "", "indicator": "Done.",
         "status": ("planned", "in_progress", "done")[a % 3], "drop_reason": "", "source": "", "version": 1}
        for m in m_ids for a in range(12)])
    return the_mentor, m_ids[0]


def _login(client, user_id):
    from flask import has_app_context

    from peerreview.auth import sessions
    from peerreview.auth.models import User
    from peerreview.extensions import db

    # in the caller's application context when there is one (on SQLite a second session
    # would wait for the caller's write lock)
    ctx = None if has_app_context() else client.application.app_context()
    if ctx is not None:
        ctx.push()
    try:
        login_id = sessions.start(db.session.get(User, user_id))
        db.session.commit()
    finally:
        if ctx is not None:
            ctx.pop()
    with client.session_transaction() as s:
        s["_user_id"] = login_id
        s["_fresh"] = True


def _pages(review_id, mentorship_id, city_id):
    return [
        ("coordinator", "/reviews/"), ("coordinator", "/people"), ("coordinator", "/cities/"),
        ("coordinator", "/follow-up/"), ("city", f"/cities/{city_id}"),
        ("coordinator", "/framework/"), ("member", f"/reviews/{review_id}"),
        ("member", f"/reviews/{review_id}/programme"), ("member", f"/reviews/{review_id}/observations"),
        ("member", f"/reviews/{review_id}/observations/consolidation"), ("member", "/reviews/"),
        ("member", "/tasks"),
        ("mentor", "/mentoring/"), ("mentor", f"/mentoring/{mentorship_id}"),
        ("mentor", f"/mentoring/{mentorship_id}/plan"),
    ]


def _compare_languages(client, path: str, n: int, base: str, other: str) -> dict:
    """The page in ``base`` and in ``other``, one request of each in turn, so that both see the
    same machine (two separate runs on a shared machine differ by more than the 10% compared)."""
    for lang in (base, other):
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
        assert f'lang="{lang}"' in client.get(path).get_data(as_text=True)[:300], (path, lang)

    def ask(lang):
        def request():
            client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
            client.get(path)
        return request

    out = in_turn({lang: ask(lang) for lang in (base, other)}, n)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = base
    return out


def _measure(app, coordinator, member, review_id, mentor, n: int, only: str | None = None,
             profile: str | None = None, sql: bool = False, compare: str | None = None):
    """p50/p95 and the query count of every page. ``only`` keeps the pages whose path contains
    it; ``profile`` writes a cProfile of each page's requests into that folder; ``sql`` prints
    each page's slowest statements (time summed over one request)."""
    from peerreview.extensions import db

    mentor, mentorship_id, (city_user, city_id) = mentor
    clients = {"coordinator": app.test_client(), "member": app.test_client(), "mentor": app.test_client(),
               "city": app.test_client()}
    # The pages in one language (PEERREVIEW_BENCH_LANGUAGE=el make bench: with its catalog
    # loaded and every text translated), sent as the browser's Accept-Language.
    language = os.environ.get("PEERREVIEW_BENCH_LANGUAGE", "en")
    for client in clients.values():
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    _login(clients["coordinator"], coordinator)
    _login(clients["member"], member)
    _login(clients["mentor"], mentor)
    _login(clients["city"], city_user)
    counter = {"n": 0}
    with app.app_context():
        engine = db.engine

    statements: dict = {}

    def count(conn, cursor, statement, parameters, context, executemany):
        counter["n"] += 1
        if sql:
            conn.info.setdefault("bench_t0", []).append(time.perf_counter())

    def timed(conn, cursor, statement, parameters, context, executemany):
        if sql:
            spent = time.perf_counter() - conn.info["bench_t0"].pop()
            key = " ".join(statement.split())[:160]
            statements[key] = statements.get(key, 0.0) + spent

    event.listen(engine, "before_cursor_execute", count)
    event.listen(engine, "after_cursor_execute", timed)
    out = {}
    timed_pages = []
    try:
        for who, path in [("coordinator", "/healthz")] + _pages(review_id, mentorship_id, city_id):
            name = ("/reviews/ (peer)" if who != "coordinator" and path == "/reviews/"
                    else "/cities/<id> (its member)" if who == "city" else path)
            if only and path != "/healthz" and only not in name:
                continue
            c = clients[who]
            res = c.get(path)
            assert res.status_code == 200, (path, res.status_code)
            counter["n"] = 0
            statements.clear()
            c.get(path)
            queries = counter["n"]
            if sql and path != "/healthz":
                total = sum(statements.values()) * 1000
                print(f"--- {name}: {queries} queries, {total:.1f} ms in the database")
                for key, spent in sorted(statements.items(), key=lambda kv: -kv[1])[:8]:
                    print(f"  {spent * 1000:7.2f} ms  {key}")
            if profile and path != "/healthz":
                import cProfile

                prof = cProfile.Profile()
                prof.enable()
                for _ in range(10):
                    c.get(path)
                prof.disable()
                os.makedirs(profile, exist_ok=True)
                prof.dump_stats(os.path.join(profile, name.strip("/").replace("/", "_").replace(" ", "") + ".prof"))
            if compare and path != "/healthz":
                out[name] = _compare_languages(c, path, n, language, compare)
                continue
            timed_pages.append((name, c, path, queries))
        # What the first requests left (the statements compiled, the lists and options
        # remembered, the templates) is frozen too, as a worker's heap after its first pages:
        # the collector's full passes over it took 55 to 77 ms every few seconds and fell on
        # whichever page was running, most often the one that allocates most (/reviews/).
        gc.collect()
        gc.freeze()
        # Every page once per round, /healthz among them (bench/timing.py)
        times = in_turn({name: (lambda c=c, path=path: c.get(path)) for name, c, path, _q in timed_pages}, n)
        for name, _c, _path, queries in timed_pages:
            out[name] = {**times[name], "queries": queries}
    finally:
        event.remove(engine, "before_cursor_execute", count)
        event.remove(engine, "after_cursor_execute", timed)
    return out


TARGET = 8  # every page within 8x of /healthz p95 in the same run (issue 22)


def _built_and_measured(scale: int, database_url: str, pg_name, tmp: str, n: int, **options) -> dict:
    """The data set at ``scale`` in the database made for it, its pages measured (``options``
    as :func:`_measure` takes them), then the database dropped."""
    from bench.observations import _drop_database

    try:
        app, coordinator, member, review_id, mentor = _build(scale, database_url, tmp)
        # What building the data set left in this process is not a server's heap: collect it
        # and freeze the survivors, so the cyclic collector's full passes over them are not
        # counted as page time (a gunicorn worker holds only the application).
        gc.collect()
        gc.freeze()
        try:
            return _measure(app, coordinator, member, review_id, mentor, n, **options)
        finally:
            gc.unfreeze()
            from peerreview.extensions import db

            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    finally:
        _drop_database(pg_name)


def run(results: list, n: int = 40, databases=("sqlite", "postgresql"), scales=(1, 10),
        only: str | None = None, profile: str | None = None, sql: bool = False) -> None:
    """Both sizes on each database: the ratios at 10x and the query counts at 1x and 10x."""
    from bench.observations import _create_database

    for kind in databases:
        measured = {}
        for scale in scales:
            with tempfile.TemporaryDirectory() as tmp:
                try:
                    database_url, pg_name = _create_database(kind, tmp, prefix="peerreview_bench_pages")
                except Exception as exc:  # noqa: BLE001 - report, keep the rest of the suite
                    results.append({"name": f"pages on {kind}", "value": None, "unit": "", "error": str(exc)})
                    break
                measured[scale] = _built_and_measured(scale, database_url, pg_name, tmp, n, only=only,
                                                      profile=profile and f"{profile}/{kind}-{scale}x",
                                                      sql=sql)
        if not measured:
            continue
        top = max(measured)
        label = f"{top}x data" + ("" if kind == "sqlite" else ", PostgreSQL")
        base = measured[top]["/healthz"]["p95"]
        results.append({"name": f"GET /healthz p95 ({label})", "value": round(base, 2), "unit": "ms",
                        "p50": round(measured[top]["/healthz"]["p50"], 2),
                        "cpu_p50": round(measured[top]["/healthz"]["cpu_p50"], 2)})
        for path, m in measured[top].items():
            if path == "/healthz":
                continue
            results.append({"name": f"GET {path} p95 ({label})", "value": round(m["p95"], 2), "unit": "ms",
                            "p50": round(m["p50"], 2), "cpu_p50": round(m["cpu_p50"], 2),
                            "baseline": round(base, 2),
                            "ratio": round(m["p95"] / base, 2), "target": TARGET})
            low = min(measured)
            if low == top:
                continue
            q1 = measured[low][path]["queries"]
            db_label = "" if kind == "sqlite" else " (PostgreSQL)"
            results.append({"name": f"queries {path} {low}x -> {top}x{db_label}", "value": m["queries"],
                            "unit": "count", "baseline": q1, "ratio": round(m["queries"] / q1, 2) if q1 else None,
                            "target": 1})


LANGUAGE_TARGET = 1.10   # a page in another language within 10% of English (issue 19)


def run_languages(results: list, n: int = 200, other: str = "el", only: str | None = None) -> None:
    """Every page in English and in ``other`` (Greek: long words, every text translated), at 1x
    on SQLite, one request of each in turn: p95 and CPU per request in ``other`` against English."""
    from bench.observations import _create_database

    with tempfile.TemporaryDirectory() as tmp:
        database_url, pg_name = _create_database("sqlite", tmp, prefix="peerreview_bench_pages")
        measured = _built_and_measured(1, database_url, pg_name, tmp, n, only=only, compare=other)
    for path, m in measured.items():
        if path == "/healthz":
            continue
        en, lang = m["en"], m[other]
        results.append({"name": f"GET {path} p95 in {other} against en (1x data)", "value": round(lang["p95"], 2),
                        "unit": "ms", "baseline": round(en["p95"], 2), "ratio": round(lang["p95"] / en["p95"], 3),
                        "cpu_p50": round(lang["cpu_p50"], 2), "cpu_p50_en": round(en["cpu_p50"], 2),
                        "cpu_ratio": round(lang["cpu_p50"] / en["cpu_p50"], 3), "target": LANGUAGE_TARGET})


def _main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="The pages part of make bench, with options to iterate on it.")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], action="append",
                        help="database (repeat for both; default both)")
    parser.add_argument("--scale", type=int, action="append", help="1 or 10 (repeat; default both)")
    parser.add_argument("--only", help="only the pages whose name contains this text")
    parser.add_argument("-n", type=int, default=None, help="requests timed per page (40; 200 of each language with --languages)")
    parser.add_argument("--profile", help="write a cProfile per page into this folder")
    parser.add_argument("--sql", action="store_true", help="print each page's slowest statements")
    parser.add_argument("--languages", metavar="LANG",
                        help="only compare every page in LANG with English (1x, SQLite, requests in turn)")
    args = parser.parse_args()
    out: list = []
    if args.languages:
        run_languages(out, n=args.n or 200, other=args.languages, only=args.only)
    else:
        run(out, n=args.n or 40, databases=tuple(args.db or ("sqlite", "postgresql")),
            scales=tuple(args.scale or (1, 10)), only=args.only, profile=args.profile, sql=args.sql)
    for r in out:
        value = r["value"] if r["value"] is not None else r.get("error", "error")
        print(f"{r['name']:<70}{value:>10} {r['unit']:<6}{r.get('ratio') or '':>7}{r.get('target') or '':>6}"
              f"  p50 {r.get('p50', '')}  cpu p50 {r.get('cpu_p50', '')}"
              + (f" (en {r['cpu_p50_en']}, ratio {r['cpu_ratio']})" if "cpu_ratio" in r else ""))


if __name__ == "__main__":
    _main()
