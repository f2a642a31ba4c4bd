"""The feedback report's benchmark: a typical report (10 peers, 8 key factors, 300
observations, 40 recommendations, about 25 pages).

1. Request to stored PDF: the coordinator's "issue" request (checks, queueing the job, commit),
   then the job as the worker runs it (the final HTML, rendering in the child process, storing,
   commit), then corrected re-issues (same path). Compared with WeasyPrint alone rendering the
   same final HTML in this process (the floor); both make PDF/UA-1 (with the PDF/A-2 parts)
   with the shipped fonts only. Target: within 1.2x the floor, and under 5 s.
2. The time a web worker is held by "Issue" (the request alone: it only checks and queues).
   Target: under 100 ms.
3. Peak memory of the render process.
4. Downloading an issued report (the stored bytes). Target: under 50 ms.

Run by ``make bench`` (bench/__main__.py calls ``run(results)``), or alone with
``python -m bench.reports``.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta

WORDS = ("the city team newcomers course language work training staff department service learners "
         "provider employer policy results data council migrant organisation district school "
         "support local access intake waiting list evening childcare mentor placement budget "
         "contract quality network residents practice plan monitor review partners volunteers "
         "library housing health information office integration participation qualifications "
         "recognition advice guidance colleagues interview focus group visit").split()


def _text(rng: random.Random, words: int, paragraphs: int = 1) -> str:
    out = []
    for _ in range(paragraphs):
        sentence, para = [], []
        for _ in range(words // paragraphs):
            sentence.append(rng.choice(WORDS))
            if len(sentence) >= rng.randint(9, 18):
                para.append(" ".join(sentence).capitalize() + ".")
                sentence = []
        if sentence:
            para.append(" ".join(sentence).capitalize() + ".")
        out.append(" ".join(para))
    return "\n\n".join(out)


def build(db, *, key_factors: int = 8, peers: int = 10, observations: int = 300,
          recommendations: int = 40, sessions: int = 24, seed: int = 2026):
    """A review in its reporting step with a complete report; returns (review, coordinator)."""
    from datetime import time as dtime

    from peerreview.auth.models import User
    from peerreview.cities.models import City
    from peerreview.framework.models import (
        Benchmark,
        ContextFactor,
        GuideQuestion,
        KeyFactor,
        Theme,
    )
    from peerreview.observations.models import Observation, PeerRating
    from peerreview.reports import services as drafting
    from peerreview.reviews.models import (
        Review,
        SelfAssessment,
        SelfAssessmentEntry,
        TeamMember,
        VisitSession,
    )

    rng = random.Random(seed)
    theme = Theme(slug="bench-reports", name="Introductory and language courses", description="")
    bench = Benchmark(theme=theme, version=1, status="published", standard=_text(rng, 40))
    db.session.add_all([theme, bench])
    for i in range(1, key_factors + 1):
        kf = KeyFactor(benchmark=bench, code=f"KF{i}", title=_text(rng, 7).rstrip("."), position=i,
                       description=_text(rng, 60), charter_roles=["policy_maker", "service_provider"])
        for q in range(3):
            kf.guide_questions.append(GuideQuestion(text=_text(rng, 16).rstrip(".") + "?", position=q))
        db.session.add(kf)
    for i in range(4):
        db.session.add(ContextFactor(benchmark=bench, text=_text(rng, 25), position=i))
    host = City(name="Rotterdam", country="NL", timezone="Europe/Amsterdam", description="")
    start = date.today() - timedelta(days=40)
    review = Review(host_city=host, benchmark=bench, state="reporting", working_languages=["en"],
                    visit_start=start, visit_end=start + timedelta(days=3),
                    host_questions=[_text(rng, 14).rstrip(".") + "?" for _ in range(3)])
    coordinator = User(email="coordinator@bench.example", name="Coordinator", is_coordinator=True,
                       languages=["en"])
    db.session.add_all([host, review, coordinator])
    db.session.flush()
    kfs = list(bench.key_factors)
    team = []
    for n in range(peers):
        city = City(name=f"Peer city {n}", country=["AT", "DE", "FI", "GR", "PT", "SE", "LV", "IT", "ES", "PL"][n % 10],
                    timezone="Europe/Vienna", description="")
        user = User(email=f"peer{n}@bench.example", name=f"Peer Person {n}", city=city, languages=["en"])
        role = "lead" if n == 0 else ("rapporteur" if n == 1 else "peer")
        seat = TeamMember(review=review, user=user, role=role, status="accepted")
        db.session.add_all([city, user, seat])
        team.append(seat)
    sa = SelfAssessment(review=review, status="submitted")
    for kf in kfs:
        sa.entries.append(SelfAssessmentEntry(key_factor=kf, rating=str(rng.randint(0, 3)),
                                              narrative=_text(rng, 50), evidence=""))
    db.session.add(sa)
    kinds = ("interview", "focus_group", "site_visit", "workshop", "feedback")
    orgs = ("city_department", "political_leadership", "service_provider", "ngo",
            "migrant_organisation", "employer")
    visit_sessions = []
    for s in range(sessions):
        day, slot = divmod(s, 6)
        vs = VisitSession(review=review, day=start + timedelta(days=day % 4),
                          start_time=dtime(8 + slot * 1 + slot // 2, 0), end_time=dtime(8 + slot + slot // 2, 50),
                          title=_text(rng, 8).rstrip("."), venue=_text(rng, 3).rstrip("."),
                          session_type=kinds[s % 5], organisations=_text(rng, 6).rstrip("."),
                          organisation_types=[orgs[s % 6], orgs[(s + 2) % 6]],
                          interpreter_needed=s % 7 == 0)
        visit_sessions.append(vs)
        db.session.add(vs)
    db.session.flush()
    notes = []
    for n in range(observations):
        notes.append(Observation(uuid=str(uuid.UUID(int=rng.getrandbits(128))), review=review,
                                 author_id=team[n % peers].user.id, session=visit_sessions[n % sessions],
                                 key_factor=kfs[n % key_factors],
                                 kind=("strength", "gap", "good_practice", "evidence", "question")[n % 5],
                                 source_type=orgs[n % 6], text=_text(rng, rng.randint(15, 45))))
    db.session.add_all(notes)
    for seat in team:
        for kf in kfs:
            db.session.add(PeerRating(review_id=review.id, user_id=seat.user.id, key_factor_id=kf.id,
                                      rating=str(rng.randint(0, 3))))
    db.session.flush()
    lead = team[0].user
    report = drafting.get_or_create(review)
    texts = {"executive_summary": (320, 4), "host_context": (260, 3), "good_practices": (200, 3),
             "follow_up": (80, 1), "answer_1": (160, 2), "answer_2": (160, 2), "answer_3": (160, 2)}
    for key, (words, paras) in texts.items():
        drafting.save_section(report, key, _text(rng, words, paras), base_version=None, actor=lead)
    for f in drafting.findings_in_order(report):
        mine = [o for o in notes if o.key_factor_id == f.key_factor_id and o.kind in ("gap", "evidence", "good_practice")]
        drafting.save_finding(f, drafting.FindingInput(
            rationale=_text(rng, 110, 2), strengths=_text(rng, 70, 2), improvements=_text(rng, 70, 2),
            observation_ids=[o.id for o in mine[:4]], rating=str(rng.randint(0, 3)), rating_given=True),
            base_version=None, actor=lead, may_rate=True)
    for n in range(recommendations):
        drafting.add_recommendation(report, drafting.RecommendationInput(
            key_factor_id=kfs[n % key_factors].id, action=_text(rng, rng.randint(25, 45)),
            rationale=_text(rng, rng.randint(20, 35)), priority=("high", "medium", "low")[n % 3],
            owner=_text(rng, 5).rstrip("."), timeframe_months=(3, 6, 12, 24)[n % 4]), actor=lead)
    db.session.commit()
    return review.id, coordinator.id


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def run(results: list) -> None:
    from flask_migrate import upgrade

    from peerreview import create_app
    from peerreview.extensions import db
    from peerreview.jobs import worker
    from peerreview.reports import document, pdf
    from peerreview.reports.models import ReportVersion
    from peerreview.reviews.models import Review

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"ENVIRONMENT": "testing", "SECRET_KEY": "bench-" * 8, "INSTANCE_PATH": tmp,
                          "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/reports.sqlite"})
        with app.app_context():
            upgrade()
            review_id, coordinator_id = build(db)
        client = app.test_client()
        with app.app_context():
            from peerreview.auth import sessions
            from peerreview.auth.models import User

            login_id = sessions.start(db.session.get(User, coordinator_id))
            db.session.commit()
        with client.session_transaction() as sess:
            sess["_user_id"] = login_id
            sess["_fresh"] = True
        base = f"/reviews/{review_id}/report"

        def issue(url, data=None):
            """The request (its own time is the web worker's), then the job, as the worker runs it."""
            t0 = time.perf_counter()
            res = client.post(url, data=data)
            held = time.perf_counter() - t0
            assert res.status_code == 302, res.status_code
            assert worker.run_pending(app) == 1
            return held, time.perf_counter() - t0

        # 1. request to stored PDF: the first issue (starts the render server), then re-issues
        request_times, held_times = [], []
        first_held, first = issue(f"{base}/issue")
        held_times.append(first_held)
        for n in range(4):
            held, seconds = issue(f"{base}/reissue", {"note": f"Run {n}"})
            request_times.append(seconds)
            held_times.append(held)
        with app.app_context():
            versions = db.session.query(ReportVersion).order_by(ReportVersion.number).all()
            assert len(versions) == 5, [v.number for v in versions]
            pages = versions[-1].pages
            review = db.session.get(Review, review_id)
            html = document.render_html(review, mode="pdf", version=versions[-1].number + 1,
                                        issued_on=date.today())
            # the floor: WeasyPrint alone on the same final HTML, in this process
            floor = []
            for _ in range(4):
                _, seconds = _timed(lambda: pdf.render_here(html))
                floor.append(seconds)
            rendered = pdf.render_pdf(html)
        req, flo = statistics.median(request_times), statistics.median(floor)
        results.append({"name": f"report: issue request to stored PDF ({pages} pages), median",
                        "value": round(req, 2), "unit": "s", "baseline": round(flo, 2),
                        "ratio": round(req / flo, 2), "target": "<=1.2x, <5 s",
                        "first_issue_s": round(first, 2), "runs": [round(t, 2) for t in request_times]})
        results.append({"name": "report: WeasyPrint alone, same HTML (floor), median",
                        "value": round(flo, 2), "unit": "s", "runs": [round(t, 2) for t in floor]})
        results.append({"name": "report: first issue (includes starting the render server)",
                        "value": round(first, 2), "unit": "s"})
        held_times.sort()
        results.append({"name": "report: web worker held by Issue (check and queue), max of 5",
                        "value": round(held_times[-1] * 1000, 1), "unit": "ms", "target": "<100 ms",
                        "p50": round(statistics.median(held_times) * 1000, 1),
                        "runs": [round(t * 1000, 1) for t in held_times]})
        results.append({"name": "report: peak memory of the render process",
                        "value": round(rendered.peak_memory_kb / 1024), "unit": "MB"})

        # 3. downloading an issued report
        samples = []
        for _ in range(100):
            res, seconds = _timed(lambda: client.get(f"{base}/versions/1.pdf"))
            assert res.status_code == 200 and res.data.startswith(b"%PDF")
            samples.append(seconds * 1000)
        samples.sort()
        results.append({"name": f"report: download issued PDF ({len(res.data) // 1024} KB) p95",
                        "value": round(samples[94], 2), "unit": "ms", "target": "<50 ms",
                        "p50": round(statistics.median(samples), 2)})
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    out: list = []
    run(out)
    for r in out:
        print(f"{r['name']:<70}{r['value']:>10} {r['unit']:<4} {r.get('ratio') or ''} {r.get('target') or ''}")
