"""Shared fixtures. The same suite runs on SQLite (default) and PostgreSQL (--db=postgresql).

The schema is built once per run with the Alembic migrations, not with create_all(), so every
test also exercises them. Each test starts from empty tables.
"""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.security import generate_password_hash

PG_ADMIN_URL = os.environ.get("PEERREVIEW_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
STRICT = os.environ.get("PEERREVIEW_STRICT_TESTS") == "1"
TEST_PASSWORD = "correct-horse-battery-staple"


def pytest_addoption(parser):
    parser.addoption("--db", default=os.environ.get("PEERREVIEW_TEST_DB", "sqlite"),
                     choices=["sqlite", "postgresql"], help="database to run the suite on")


# --- the clock ----------------------------------------------------------------------------
# Every test runs at the same moment, whatever the machine's date and time zone: a Wednesday
# morning in June, unless PEERREVIEW_TEST_NOW names another moment (to try awkward days such
# as 2028-02-29T23:30:00+00:00 or 2026-12-31T23:45:00+00:00). The clock then moves on normally
# from there (tests that wait for a token to expire travel explicitly).

FROZEN_NOW = datetime.fromisoformat(os.environ.get("PEERREVIEW_TEST_NOW") or "2026-06-17T09:30:00+00:00")
if FROZEN_NOW.tzinfo is None:
    FROZEN_NOW = FROZEN_NOW.replace(tzinfo=UTC)
FROZEN_TODAY: date = FROZEN_NOW.astimezone(UTC).date()


def pytest_report_header(config):
    return (f"peerreview database: {config.getoption('--db')}; strict (no skips): {STRICT}; "
            f"clock frozen at {FROZEN_NOW.isoformat()}")


@pytest.fixture(scope="session", autouse=True)
def _session_clock():
    """Fixtures built once per run or module (the access matrix's world) see the frozen time too."""
    with time_machine.travel(FROZEN_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def clock(_session_clock):
    """Each test starts at FROZEN_NOW; ``clock.move_to(...)``/``clock.shift(...)`` travel on."""
    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def today() -> date:
    """The frozen "today" (UTC) that test data is built from."""
    return FROZEN_TODAY


def skip_or_fail(reason: str):
    """In strict mode (CI) a missing prerequisite fails the run instead of skipping."""
    if STRICT:
        pytest.fail(f"required for this run but unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


def _skip_reasons(reports) -> list[str]:
    from collections import Counter

    reasons = Counter()
    for report in reports:
        longrepr = getattr(report, "longrepr", None)
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    return [f"{count} x {reason}" for reason, count in reasons.most_common(3)]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if STRICT and reporter and reporter.stats.get("skipped"):
        session.exitstatus = 1


@pytest.hookimpl(hookwrapper=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """A run that left tests out says so loudly, after everything else it prints."""
    yield
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    db = config.getoption("--db")
    if STRICT:
        terminalreporter.write_sep("!", f"FAILED: {len(skipped):,} test(s) were skipped in strict "
                                        f"mode on {db}", red=True, bold=True)
    else:
        terminalreporter.write_sep("!", f"NOT TESTED on {db}: {len(skipped):,} test(s) were skipped",
                                   red=True, bold=True)
    for line in _skip_reasons(skipped):
        terminalreporter.write_line(f"  {line}", red=True)


# --- databases -------------------------------------------------------------------------------

def _pg_admin():
    import psycopg

    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        skip_or_fail(f"PostgreSQL at {PG_ADMIN_URL} does not answer: {exc}")


@pytest.fixture(scope="session")
def db_kind(request) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def database_url_factory(db_kind, tmp_path_factory):
    """Creates fresh, uniquely named databases and drops them at the end of the run."""
    created: list[str] = []

    def make(label: str = "main") -> str:
        if db_kind == "sqlite":
            path = tmp_path_factory.mktemp("db") / f"{label}.sqlite"
            return f"sqlite:///{path}"
        name = f"peerreview_test_{label}_{uuid.uuid4().hex[:10]}"
        with _pg_admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        return f"{base}/{name}"

    yield make
    if created:
        with _pg_admin() as conn:
            for name in created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_test_config(database_url: str, instance_path: Path, **extra) -> dict:
    from peerreview.database import normalise_database_url

    return {
        "ENVIRONMENT": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough",
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SITE_URL": "http://localhost",
        "SERVER_NAME": None,
        "INSTANCE_PATH": str(instance_path),
        **extra,
    }


@pytest.fixture(scope="session")
def _app(database_url_factory, tmp_path_factory):
    from flask_migrate import upgrade

    from peerreview import create_app

    instance = tmp_path_factory.mktemp("instance")
    app = create_app(make_test_config(database_url_factory("main"), instance))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        from peerreview.extensions import db

        db.engine.dispose()


TABLES_CLEARED = [0]
"""How many times the tables were emptied in this process: data built once and shared by many
tests (the access matrix's world) is rebuilt when this has moved on."""


def _clear_tables(app) -> None:
    from peerreview.extensions import db

    TABLES_CLEARED[0] += 1
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                  + " RESTART IDENTITY CASCADE"))
            else:
                for t in tables:
                    conn.execute(text(f'DELETE FROM "{t}"'))  # noqa: S608 - table names from metadata


@pytest.fixture
def app(_app):
    """The application, with empty tables, a fresh outbox and fresh rate limits."""
    from peerreview.extensions import limiter

    _clear_tables(_app)
    outbox = Path(_app.instance_path) / "outbox"
    shutil.rmtree(outbox, ignore_errors=True)
    limiter.reset()
    _app.config["WTF_CSRF_ENABLED"] = False
    _app.test_client_class = _FreshClient
    yield _app
    _app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def db_session(app):
    from peerreview.extensions import db

    with app.app_context():
        yield db.session
        db.session.rollback()


REDIRECTS = {301, 302, 303, 305, 307, 308}


class _FreshClient(FlaskClient):
    """A test client whose requests run as they do under a WSGI server.

    Each request runs in an application context of its own (as in production: its own
    database session and its own ``g``), even though the test may keep one pushed for its
    factories. Before, the test's session commits (on SQLite it may hold the write lock, and
    whatever the test set up must be visible to the request); afterwards it forgets what it
    had loaded, so that it reads what the request wrote. The response is read whole and
    closed after the request's context is gone, as a server does once the last byte is sent:
    work kept for after the response (mail delivery) has run when a request returns.
    Redirects are followed one request at a time, each in the same way.
    """

    def open(self, *args, **kwargs):
        follow = kwargs.pop("follow_redirects", False)
        kwargs.pop("buffered", None)
        response = self._one(*args, **kwargs)
        history = []
        while follow and response.status_code in REDIRECTS:
            history.append(response)
            if len(history) > 20:
                raise RuntimeError(f"too many redirects, last to {response.location}")
            response = self.resolve_redirect(response)
        response.history = tuple(history)
        return response

    def _one(self, *args, **kwargs):
        from flask import has_app_context

        from peerreview.extensions import db

        outer = has_app_context()
        if outer:
            db.session.commit()
        ctx = self.application.app_context()
        ctx.push()
        try:
            response = super().open(*args, buffered=False, follow_redirects=False, **kwargs)
        finally:
            ctx.pop()
        response.make_sequence()   # the server sends the body ...
        response.close()           # ... and closes the response
        if outer:
            db.session.expire_all()
        return response


@pytest.fixture
def client(app, db_session):
    app.test_client_class = _FreshClient
    return app.test_client()


@pytest.fixture
def runner(app, db_session):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    """Reads the e-mails written to instance/outbox/ during the test."""
    import email
    from email import policy

    folder = Path(app.instance_path) / "outbox"

    def read():
        if not folder.exists():
            return []
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
                for p in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)]

    return read


# --- factories -------------------------------------------------------------------------------

_PASSWORD_HASH = generate_password_hash(TEST_PASSWORD, method="scrypt")


@pytest.fixture
def make_city(db_session):
    from peerreview.cities.models import City

    counter = iter(range(1, 10_000))

    def make(name: str | None = None, country: str = "BE", **kw) -> City:
        city = City(name=name or f"Testcity {next(counter)}", country=country,
                    timezone=kw.pop("timezone", "Europe/Brussels"), description="", **kw)
        db_session.add(city)
        db_session.commit()
        return city

    return make


@pytest.fixture
def make_user(db_session):
    from peerreview.auth.models import User

    counter = iter(range(1, 10_000))

    def make(name: str | None = None, *, city=None, city_role: str = "member",
             coordinator: bool = False, email: str | None = None, password: bool = True,
             languages=("en",), active: bool = True) -> User:
        n = next(counter)
        user = User(name=name or f"Person {n}", email=email or f"person{n}-{uuid.uuid4().hex[:6]}@example.org",
                    city=city, city_role=city_role, is_coordinator=coordinator,
                    languages=list(languages), active=active,
                    password_hash=_PASSWORD_HASH if password else None)
        db_session.add(user)
        db_session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """Log ``user`` into the test client without going through the rate-limited form."""

    def do(user, c=None):
        from peerreview.auth import sessions
        from peerreview.extensions import db

        c = c or client
        login_id = sessions.start(user)
        db.session.commit()
        with c.session_transaction() as sess:
            sess["_user_id"] = login_id
            sess["_fresh"] = True
        return c

    return do
from tests.reviews_helpers import make_benchmark, make_review  # noqa: E402,F401  (fixtures)
