"""Load test (make load): gunicorn with 4 workers under locust, on SQLite and on PostgreSQL.

For each database: migrate, load the demo network and add generated reviews in their visit
week (each with a host contact and a team of peers), start gunicorn with 4 sync workers on a
loopback port (login rate limiter in Redis, as in production), then run locust headless
(bench/locustfile.py): peers post notes from their phones, one at a time and in batches,
each with a UUID made on the device; the coordinator, host contacts and peers at a desk view
the main pages. Afterwards every note the API acknowledged is looked up in the database.

Prints, per database: requests, errors (unexpected statuses, failed notes in a batch,
exceptions in the users), p50/p95 latency (all requests; logins; then, once every user is
logged in, page views and note writes apart), notes acknowledged and missing from the
database, and tracebacks and "database is locked" lines in the server log. Writes
bench/load-results.json. Exits non-zero on any error, server traceback or missing note.

    python -m bench.load [--db sqlite|postgresql|both] [--users 50] [--seconds 60]

LOAD_USERS and LOAD_SECONDS set the defaults of --users and --seconds.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from bench.observations import ROOT, _count, _create_database, _drop_database, _start_server

RESULTS = Path(__file__).with_name("load-results.json")
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
PASSWORD = "load-password-2026"
WORKERS = 4
# as in production with more than one worker (README, Deployment); RATELIMIT_STORAGE_URI wins
REDIS_URL = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")


def _prepare(database_url: str, instance: str, reviews: int = 8, team: int = 6) -> dict:
    """Demo network plus ``reviews`` generated reviews in their visit week; return the plan
    the locustfile reads: which accounts log in, with which password, for which review."""
    from flask_migrate import upgrade
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from peerreview import create_app
    from peerreview.auth.models import User
    from peerreview.auth.services import PASSWORD_METHOD
    from peerreview.cities.models import City
    from peerreview.demo import data as demo_data
    from peerreview.demo.reviews import _programme, _self_assessment
    from peerreview.demo.services import DEMO_PASSWORD, load
    from peerreview.extensions import db
    from peerreview.framework.models import Benchmark
    from peerreview.reviews.models import Review, TeamMember

    app = create_app({"ENVIRONMENT": "testing", "SECRET_KEY": "bench" * 8, "INSTANCE_PATH": instance,
                      "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        load()
        db.session.commit()
        demo_email = {key: f"{local}@{demo_data.DEMO_DOMAIN}" for key, _n, local, *_ in demo_data.PEOPLE}
        ghent = db.session.scalar(select(Review).where(Review.state == "visit"))
        plan = {
            "peers": [{"email": s.user.email, "password": DEMO_PASSWORD, "review": ghent.id}
                      for s in ghent.team],
            "office": [{"email": demo_email["coordinator"], "password": DEMO_PASSWORD,
                        "role": "coordinator", "review": ghent.id},
                       {"email": demo_email["host_contact"], "password": DEMO_PASSWORD,
                        "role": "host", "review": ghent.id}],
        }
        password_hash = generate_password_hash(PASSWORD, method=PASSWORD_METHOD)
        benchmarks = db.session.scalars(select(Benchmark).where(Benchmark.status == "published")
                                        .order_by(Benchmark.id)).all()
        hosts_taken = set(db.session.scalars(select(Review.host_city_id)))
        cities = db.session.scalars(select(City).order_by(City.name)).all()
        hosts = [c for c in cities if c.id not in hosts_taken][:reviews]
        today = date.today()
        for r, host in enumerate(hosts):
            review = Review(host_city=host, benchmark=benchmarks[r % len(benchmarks)], state="visit",
                            working_languages=["en"], host_questions=["What should we change first?"],
                            background="A review generated for the load test.",
                            visit_start=today - timedelta(days=1), visit_end=today + timedelta(days=2),
                            self_assessment_due=today - timedelta(days=29),
                            programme_due=today - timedelta(days=15), report_due=today + timedelta(days=32))
            db.session.add(review)
            contact = User(email=f"host{r}@load.example", name=f"Host contact {r}", city=host,
                           city_role="contact", languages=["en"], password_hash=password_hash)
            db.session.add(contact)
            peer_cities = [c for c in cities if c.id != host.id]
            for n in range(team):
                peer = User(email=f"peer{r}-{n}@load.example", name=f"Peer {r}-{n}",
                            city=peer_cities[(r * team + n) % len(peer_cities)], languages=["en"],
                            password_hash=password_hash)
                review.team.append(TeamMember(user=peer, role=("lead", "rapporteur")[n] if n < 2 else "peer",
                                              status="accepted"))
            db.session.flush()
            _self_assessment(review, submitted=True)
            _programme(review)
            plan["peers"] += [{"email": s.user.email, "password": PASSWORD, "review": review.id}
                              for s in review.team]
            plan["office"].append({"email": contact.email, "password": PASSWORD, "role": "host",
                                   "review": review.id})
            # a peer at a desk between sessions, reading the team's notes
            plan["office"].append({"email": review.team[-1].user.email, "password": PASSWORD,
                                   "role": "peer", "review": review.id})
        db.session.commit()
        db.engine.dispose()
    return plan


def _check_redis(url: str) -> None:
    if not url.startswith("redis"):
        return
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        sys.exit(f"Redis is not reachable at {url} (the login rate limiter's storage with several "
                 f"workers): {exc}. Start it or set RATELIMIT_STORAGE_URI.")


def _wait_healthy(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as res:
                if res.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not answer /healthz within a minute")
        time.sleep(0.2)


def _read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def _num(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def run_one(kind: str, users: int, seconds: int, spawn_rate: float) -> dict:
    tmp = tempfile.mkdtemp(prefix="bench-load-")
    database_url, pg_name = _create_database(kind, tmp, prefix="peerreview_load")
    log_path = Path(tmp) / "gunicorn.log"
    server = None
    keep = True  # the folder (server log, locust CSV files) stays when something went wrong
    try:
        t0 = time.perf_counter()
        plan = _prepare(database_url, tmp)
        plan_path = Path(tmp) / "plan.json"
        plan_path.write_text(json.dumps(plan))
        out_dir = Path(tmp) / "out"
        out_dir.mkdir()
        print(f"[{kind}] data ready in {time.perf_counter() - t0:.1f} s: {len(plan['peers'])} peer "
              f"and {len(plan['office'])} office accounts", flush=True)
        server, port = _start_server(database_url, tmp, log_path, workers=WORKERS,
                                     env={"RATELIMIT_STORAGE_URI": REDIS_URL}, capture_output=True)
        _wait_healthy(port)
        prefix = Path(tmp) / "locust"
        cmd = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
               "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s", "--stop-timeout", "30",
               "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary",
               "--loglevel", "WARNING"]
        print(f"[{kind}] locust: {users} users for {seconds} s against gunicorn ({WORKERS} workers) "
              f"on port {port}", flush=True)
        env = {**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_OUT_DIR": str(out_dir)}
        locust = subprocess.run(cmd, cwd=str(ROOT), env=env, capture_output=True, text=True,
                                timeout=seconds + 180)
        if locust.returncode not in (0, 1):  # 1: some requests failed, counted below
            sys.stderr.write(locust.stdout[-3000:] + locust.stderr[-3000:])
            raise RuntimeError(f"locust exited with status {locust.returncode}")

        stats = _read_csv(Path(f"{prefix}_stats.csv"))
        failures = _read_csv(Path(f"{prefix}_failures.csv"))
        exceptions = _read_csv(Path(f"{prefix}_exceptions.csv"))
        total = next((r for r in stats if r["Name"] == "Aggregated"), None)
        if total is None:
            sys.stderr.write(locust.stdout[-3000:] + locust.stderr[-3000:])
            raise RuntimeError("locust wrote no statistics")
        acknowledged: set[str] = set()
        for f in out_dir.glob("acknowledged-*.txt"):
            acknowledged.update(line.strip() for line in f.read_text().splitlines() if line.strip())
        latency = _latency(out_dir)
        stored, missing = _count(database_url, tmp, acknowledged)
        log = log_path.read_text(errors="replace") if log_path.exists() else ""
        failed = int(total["Failure Count"])
        raised = sum(int(e["Count"]) for e in exceptions)
        problems = re.search("Traceback|WORKER TIMEOUT", log) is not None
        keep = problems or bool(failed or raised or missing)
        return {
            "database": kind, "users": users, "seconds": seconds, "workers": WORKERS,
            "requests": int(total["Request Count"]), "failures": failed, "exceptions": raised,
            "errors": failed + raised,
            "requests_per_s": round(_num(total["Requests/s"]) or 0, 1),
            "p50_ms": _num(total["50%"]), "p95_ms": _num(total["95%"]), "p99_ms": _num(total["99%"]),
            "max_ms": round(_num(total["Max Response Time"]) or 0),
            **latency,
            "acknowledged": len(acknowledged), "observations_in_db": stored, "missing": missing,
            # a chained exception prints several tracebacks: count the outermost ones
            "server_tracebacks": (log.count("Traceback (most recent call last)")
                                  - log.count("The above exception was the direct cause")
                                  - log.count("During handling of the above exception")),
            "worker_timeouts": log.count("WORKER TIMEOUT"),
            "database_locked": log.count("OperationalError) database is locked"),
            "endpoints": [{"name": r["Name"], "requests": int(r["Request Count"]),
                           "failures": int(r["Failure Count"]), "p50_ms": _num(r["50%"]),
                           "p95_ms": _num(r["95%"])} for r in stats if r["Name"] != "Aggregated"],
            "failure_kinds": [{"name": r["Name"], "error": r["Error"],
                               "count": int(r["Occurrences"])} for r in failures],
            "exception_kinds": [{"message": e["Message"], "count": int(e["Count"])} for e in exceptions],
            "server_errors": _unhandled(log),
            "kept": tmp if keep else "",
        }
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        _drop_database(pg_name)
        if keep:
            print(f"[{kind}] kept for inspection: {tmp} (gunicorn.log, locust_*.csv, out/)", flush=True)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _pct(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    values = sorted(values)
    return round(values[max(0, math.ceil(q * len(values)) - 1)], 1)


def _latency(out_dir: Path) -> dict:
    """Exact percentiles from the per-request log: every request, and after the logins (from
    the moment the last user finished logging in), page views and note writes apart."""
    rows = []
    for f in out_dir.glob("requests-*.tsv"):
        for line in f.read_text().splitlines():
            start, name, ms, _ok = line.split("\t")
            rows.append((float(start), name, float(ms)))
    logins = [start + ms / 1000 for start, name, ms in rows if name == "POST /login"]
    settled = max(logins, default=0)
    after = [(name, ms) for start, name, ms in rows if start >= settled and "/login" not in name]
    pages = [ms for name, ms in after if name.startswith("GET ")]
    writes = [ms for name, ms in after if name.startswith("POST /api/")]
    first = min((start for start, _n, _ms in rows), default=0)
    return {
        "all_p50_ms": _pct([ms for *_x, ms in rows], 0.5), "all_p95_ms": _pct([ms for *_x, ms in rows], 0.95),
        "logins_done_after_s": round(settled - first, 1) if rows else None,
        "steady_requests": len(after),
        "steady_pages_p50_ms": _pct(pages, 0.5), "steady_pages_p95_ms": _pct(pages, 0.95),
        "steady_writes_p50_ms": _pct(writes, 0.5), "steady_writes_p95_ms": _pct(writes, 0.95),
        "login_p50_ms": _pct([ms for _s, name, ms in rows if name == "POST /login"], 0.5),
        "login_p95_ms": _pct([ms for _s, name, ms in rows if name == "POST /login"], 0.95),
    }


def _unhandled(log: str) -> list[dict]:
    """The application's "Unhandled error on GET /path" lines, each with the last line of its
    traceback (the exception), counted."""
    counts: dict[tuple[str, str], int] = {}
    where = None
    for line in log.splitlines():
        if "Unhandled error on " in line:
            where = line.split("Unhandled error on ", 1)[1].strip()
            where = re.sub(r"/\d+", "/[id]", where)
        elif where and re.match(r"^[\w.]+(Error|Exception)\b.*", line):
            counts[(where, line.strip()[:160])] = counts.get((where, line.strip()[:160]), 0) + 1
            where = None
    return [{"request": w, "error": e, "count": n} for (w, e), n in counts.items()]


def _ms(value) -> str:
    return "-" if value is None else f"{value:.0f}"


def _print(results: list[dict]) -> None:
    for r in results:
        print(f"\n{r['database']}: requests by endpoint")
        print(f"  {'request':<50}{'count':>7}{'fail':>6}{'p50 ms':>8}{'p95 ms':>8}")
        for e in sorted(r["endpoints"], key=lambda e: -e["requests"]):
            print(f"  {e['name']:<50}{e['requests']:>7}{e['failures']:>6}{_ms(e['p50_ms']):>8}"
                  f"{_ms(e['p95_ms']):>8}")
        for f in r["failure_kinds"]:
            print(f"  failure: {f['count']} x {f['name']}: {f['error'][:200]}")
        for e in r["exception_kinds"]:
            print(f"  exception: {e['count']} x {e['message'][:200]}")
        if r["worker_timeouts"]:
            print(f"  gunicorn: {r['worker_timeouts']} worker timeouts (a request ran over 30 s)")
        for e in r["server_errors"]:
            print(f"  server error: {e['count']} x {e['request']}: {e['error']}")
        if r["kept"]:
            print(f"  server log and locust files kept in {r['kept']}")
    users, seconds = results[0]["users"], results[0]["seconds"]
    print(f"\nLoad test: {users} users for {seconds} s, gunicorn with {WORKERS} workers")

    def pair(r, a, b):
        return f"{_ms(r[a])} / {_ms(r[b])}"

    rows = [
        ("requests", lambda r: r["requests"]),
        ("requests per second", lambda r: r["requests_per_s"]),
        ("errors (unexpected answers, exceptions)", lambda r: r["errors"]),
        ("latency p50 / p95, ms", lambda r: pair(r, "all_p50_ms", "all_p95_ms")),
        ("  logins p50 / p95, ms", lambda r: pair(r, "login_p50_ms", "login_p95_ms")),
        ("  all users logged in after, s", lambda r: r["logins_done_after_s"]),
        ("  then page views p50 / p95, ms", lambda r: pair(r, "steady_pages_p50_ms", "steady_pages_p95_ms")),
        ("  then note writes p50 / p95, ms", lambda r: pair(r, "steady_writes_p50_ms", "steady_writes_p95_ms")),
        ("notes acknowledged", lambda r: r["acknowledged"]),
        ("acknowledged notes missing from the DB", lambda r: r["missing"]),
        ("server tracebacks", lambda r: r["server_tracebacks"]),
        ("'database is locked' in the server log", lambda r: r["database_locked"]),
    ]
    print(f"{'':<42}" + "".join(f"{r['database']:>14}" for r in results))
    for label, value in rows:
        print(f"{label:<42}" + "".join(f"{value(r)!s:>14}" for r in results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description="Load test: gunicorn with 4 workers under locust (peers posting notes, "
                    "office users viewing pages) on SQLite and PostgreSQL; checks that every "
                    "acknowledged note is in the database. Writes bench/load-results.json.")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both",
                        help="which database to test (default: both, SQLite first)")
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS") or 50),
                        help="simulated users (default: LOAD_USERS or 50)")
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOAD_SECONDS") or 60),
                        help="duration of each run (default: LOAD_SECONDS or 60)")
    parser.add_argument("--spawn-rate", type=float, default=10,
                        help="users started per second (default: 10)")
    args = parser.parse_args(argv)
    try:
        import locust  # noqa: F401
    except ImportError:
        sys.exit("locust is not installed: pip install -e '.[dev,load]' (make load does it)")
    _check_redis(REDIS_URL)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = [run_one(kind, args.users, args.seconds, args.spawn_rate) for kind in kinds]
    RESULTS.write_text(json.dumps(results, indent=2))
    _print(results)
    print(f"\nwritten to {RESULTS}")
    bad = [r["database"] for r in results
           if r["errors"] or r["missing"] or r["server_tracebacks"] or r["worker_timeouts"]
           or not r["acknowledged"]]
    if bad:
        print(f"FAILED on {', '.join(bad)}: errors, server tracebacks or worker timeouts, no "
              "acknowledged notes, or acknowledged notes missing from the database")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
