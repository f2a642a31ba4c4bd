"""Observation sync against gunicorn (2 workers), on SQLite (WAL) and on PostgreSQL.

1. A phone that was offline sends its queue of 1,000 notes one after another: total time.
2. Eight devices send notes at once: writes per second, errors, and "database is locked"
   lines in the server log (target on SQLite: at least 300 writes/s, zero locked errors).
Every acknowledged note is then checked in the database.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("PEERREVIEW_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench-password-123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(database_url: str, instance: str) -> int:
    """Migrate, create a review in its visit week with one peer; return the review id."""
    from datetime import date, timedelta

    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from peerreview import create_app
    from peerreview.auth.models import User
    from peerreview.cities.models import City
    from peerreview.extensions import db
    from peerreview.framework.models import Benchmark, KeyFactor, Theme
    from peerreview.reviews.models import Review, TeamMember

    app = create_app({"ENVIRONMENT": "testing", "SECRET_KEY": "bench" * 8, "INSTANCE_PATH": instance,
                      "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        theme = Theme(slug="bench", name="Bench theme", description="")
        bench = Benchmark(theme=theme, version=1, status="published", standard="s")
        for i in range(1, 7):
            db.session.add(KeyFactor(benchmark=bench, code=f"KF{i}", title=f"F{i}", position=i,
                                     charter_roles=["employer"]))
        host = City(name="Host", country="BE", timezone="Europe/Brussels", description="")
        peers_city = City(name="Peer", country="AT", timezone="Europe/Vienna", description="")
        start = date.today()
        review = Review(host_city=host, benchmark=bench, state="visit", working_languages=["en"],
                        visit_start=start, visit_end=start + timedelta(days=3))
        db.session.add_all([theme, bench, host, peers_city, review])
        for n in range(8):
            user = User(email=f"peer{n}@bench.example", name=f"Peer {n}", city=peers_city,
                        languages=["en"], password_hash=generate_password_hash(PASSWORD))
            db.session.add(TeamMember(review=review, user=user, role="peer", status="accepted"))
        db.session.commit()
        review_id = review.id
        db.engine.dispose()
    return review_id


class Device:
    """One logged-in browser: a session cookie and the page's CSRF token."""

    def __init__(self, port: int, email: str, review_id: int):
        self.port, self.review_id = port, review_id
        self.cookie = ""
        page = self.request("GET", "/login")[1]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        body = f"csrf_token={token}&email={email}&password={PASSWORD}"
        status, _ = self.request("POST", "/login", body,
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302, f"login failed: {status}"
        page = self.request("GET", f"/reviews/{review_id}/observations")[1]
        self.csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        self.kfs = [int(x) for x in re.findall(r'name="key_factor_id" value="(\d+)"', page)]

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = {"Cookie": self.cookie, **(headers or {})}
        conn.request(method, path, body=body, headers=h)
        res = conn.getresponse()
        data = res.read().decode("utf-8", "replace")
        for header, value in res.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        conn.close()
        return res.status, data

    def send_batch(self, notes: list[dict]) -> list[str]:
        """Send notes as the page's queue does; return the UUIDs the server confirmed."""
        status, body = self.request("POST", f"/api/v1/reviews/{self.review_id}/observations/batch",
                                    json.dumps({"observations": notes}),
                                    {"Content-Type": "application/json", "X-CSRFToken": self.csrf})
        if status != 200:
            return []
        return [r["uuid"] for r in json.loads(body)["results"] if r["status"] in (200, 201)]

    def send(self, note: dict) -> int:
        status, _ = self.request("POST", f"/api/v1/reviews/{self.review_id}/observations",
                                 json.dumps(note), {"Content-Type": "application/json",
                                                    "X-CSRFToken": self.csrf})
        return status


def _note(device: Device, n: int) -> dict:
    return {"uuid": str(uuid.uuid4()), "text": f"Observation {n}: waiting times at the desk.",
            "kind": "evidence", "key_factor_id": device.kfs[n % len(device.kfs)]}


def _count(database_url: str, instance: str, uuids: set[str]) -> tuple[int, int]:
    from sqlalchemy import create_engine, text

    from peerreview.database import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        stored = {row[0] for row in conn.execute(text("SELECT uuid FROM observation"))}
    engine.dispose()
    return len(stored), len(uuids - stored)


def _create_database(kind: str, tmp: str, prefix: str = "peerreview_bench") -> tuple[str, str | None]:
    """An empty database: a SQLite file in ``tmp``, or a new PostgreSQL database.
    Return its URL and the PostgreSQL name to give to _drop_database (None for SQLite)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp}/bench.sqlite", None
    import psycopg

    pg_name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{pg_name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + pg_name, pg_name


def _drop_database(pg_name: str | None) -> None:
    if pg_name:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def _start_server(database_url: str, instance: str, log_path: Path, workers: int = 2,
                  env: dict | None = None, capture_output: bool = False) -> tuple[subprocess.Popen, int]:
    """gunicorn on a free loopback port with ``workers`` sync workers; return it and its port
    once the port accepts connections. ``env`` adds or overrides environment variables.
    ``capture_output`` also sends the workers' stderr (where the application logs its
    tracebacks) to ``log_path``; without it only gunicorn's own messages land there."""
    port = _free_port()
    env = {**os.environ, "PEERREVIEW_INSTANCE_PATH": instance, "DATABASE_URL": database_url,
           "PEERREVIEW_SECRET_KEY": "bench-secret-" * 4, "PEERREVIEW_ENVIRONMENT": "development",
           **(env or {})}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [gunicorn, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "--error-logfile", str(log_path), *(["--capture-output"] if capture_output else []),
         "peerreview:create_app()"],
        env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, port


def run_one(kind: str, results: list) -> None:
    tmp = tempfile.mkdtemp(prefix="bench-obs-")
    database_url, pg_name = _create_database(kind, tmp)
    log_path = Path(tmp) / "gunicorn.log"
    server = None
    try:
        review_id = _prepare(database_url, tmp)
        server, port = _start_server(database_url, tmp, log_path, capture_output=True)
        devices = [Device(port, f"peer{n}@bench.example", review_id) for n in range(8)]
        acknowledged: set[str] = set()

        # 1. one phone empties a queue of 1,000 notes, 50 per request as the page sends them
        phone = devices[0]
        notes = [_note(phone, n) for n in range(1000)]
        t0 = time.perf_counter()
        for start in range(0, len(notes), 50):
            acknowledged.update(phone.send_batch(notes[start:start + 50]))
        queue_s = time.perf_counter() - t0
        results.append({"name": f"sync of 1,000 queued notes, {kind}", "value": round(queue_s, 2),
                        "unit": "s"})

        # 2. eight devices at once, each emptying a queue of 250 notes (batches of 25)
        errors = []
        lock = threading.Lock()
        per_device = 250

        def work(device):
            mine = [_note(device, n) for n in range(per_device)]
            for start in range(0, per_device, 25):
                chunk = mine[start:start + 25]
                ok = device.send_batch(chunk)
                with lock:
                    acknowledged.update(ok)
                    errors.extend(["refused"] * (len(chunk) - len(ok)))

        threads = [threading.Thread(target=work, args=(d,)) for d in devices]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        results.append({"name": f"observation writes/s, 8 devices, 2 workers, {kind}",
                        "value": round(len(devices) * per_device / elapsed, 1), "unit": "1/s",
                        **({"target": 300} if kind == "sqlite" else {})})

        # 3. one note per request (a note saved while online): requests per second
        def single(device):
            for n in range(40):
                note = _note(device, n)
                status = device.send(note)
                with lock:
                    if status in (200, 201):
                        acknowledged.add(note["uuid"])
                    else:
                        errors.append(status)

        threads = [threading.Thread(target=single, args=(d,)) for d in devices]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        results.append({"name": f"single-note requests/s, 8 devices, 2 workers, {kind}",
                        "value": round(len(devices) * 40 / (time.perf_counter() - t0), 1), "unit": "1/s"})
        results.append({"name": f"failed writes, {kind}", "value": len(errors), "unit": "count"})
        locked = log_path.read_text().count("database is locked") if log_path.exists() else 0
        results.append({"name": f"'database is locked' errors, {kind}", "value": locked, "unit": "count"})
        stored, missing = _count(database_url, tmp, acknowledged)
        results.append({"name": f"acknowledged notes missing from the database, {kind}",
                        "value": missing, "unit": "count"})
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        _drop_database(pg_name)


def run(results: list) -> None:
    run_one("sqlite", results)
    try:
        run_one("postgresql", results)
    except Exception as exc:  # noqa: BLE001 - report, keep the rest of the suite
        results.append({"name": "observation sync on PostgreSQL", "value": None, "unit": "",
                        "error": str(exc)})


if __name__ == "__main__":
    out: list = []
    run(out)
    for r in out:
        print(r)
