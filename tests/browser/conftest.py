"""Browser tests: Debian's chromium, driven by Playwright, against a live server.

Fixtures
    live_server   the application served by werkzeug on 127.0.0.1:<free port>, in a thread;
                  ``.url`` is its base address. Tables are emptied per test (the ``app``
                  fixture) and CSRF protection is on, so the real forms are exercised.
    browser       one headless chromium per run (``/usr/bin/chromium``; never downloaded).
    page          a fresh context (1280x900) and page per test.
    phone_page    a fresh phone-sized context (360x740, touch) and page per test.
    make_city, make_user   the factories from tests/conftest.py; in browser tests they leave no
                  transaction open (see ``db_session`` below), so the server can write at once.

Helpers (import them: ``from tests.browser.conftest import login, snap, ...``)
    snap(page, name)                 full-page PNG in test-artifacts/screenshots/
    assert_accessible(page)          axe-core audit; fails on serious and critical violations
    login(page, live_server, email, password)
    no_horizontal_scroll(page)       the page fits its viewport's width (360 px phones)
    outbox_messages(app)             the e-mails written to instance/outbox/, oldest first
    link_in(message, "/invitation/") the first link in an e-mail containing that text

axe-core is pinned in tests/browser/package.json (and its lock file) and installed by
``make install`` (``npm ci``) with the other test dependencies; nothing is fetched while the tests
run. Without chromium, Playwright or axe-core, browser tests are skipped (fail in strict mode,
see ``skip_or_fail``).
"""

from __future__ import annotations

import email
import json
import re
import shutil
import threading
from email import policy
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import skip_or_fail

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "test-artifacts" / "screenshots"
AXE_SCRIPT = REPO_ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
TIMEOUT_MS = 15_000

# Set per test by an autouse fixture, so that snap() can name its files after the test.
_current = {"test": "unnamed"}


# --- the live server ---------------------------------------------------------------------------

class _LiveServer:
    def __init__(self, app):
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server",
                                       daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def _live_server(_app):
    """One server for the run; it serves the session's application object."""
    server = _LiveServer(_app)
    yield server
    server.stop()


@pytest.fixture
def live_server(app, _live_server, monkeypatch):
    """The running server for this test: empty tables, fresh outbox and limits, CSRF on, and
    its address as SITE_URL (the base of the links in e-mails, as in a deployment).

    ``app`` (tests/conftest.py) puts WTF_CSRF_ENABLED back to False afterwards.
    """
    from peerreview.jobs import worker

    app.config["WTF_CSRF_ENABLED"] = True
    monkeypatch.setitem(app.config, "SITE_URL", _live_server.url)
    # PDFs are made by the worker thread of the serving process, as with `make demo`
    app.config["JOBS_EMBEDDED_WORKER"] = True
    yield SimpleNamespace(url=_live_server.url, port=_live_server.port, app=app)
    app.config["JOBS_EMBEDDED_WORKER"] = False
    worker.stop_embedded()


@pytest.fixture
def db_session(app):
    """The test's own database session, which keeps loaded values after a commit.

    On SQLite, work outside a request begins with ``BEGIN IMMEDIATE`` and holds the write lock
    until the transaction ends. With the default ``expire_on_commit`` merely reading
    ``user.email`` after a factory's commit would begin such a transaction, and every POST of
    the live server would then wait for it. With this session, objects made by the factories
    can be read without touching the database. After reading something new (a query, a lazy
    relationship), end the transaction with ``db_session.commit()`` before the browser acts.
    """
    from peerreview.extensions import db

    with app.app_context():
        db.session().expire_on_commit = False
        yield db.session
        db.session.rollback()


# --- the browser -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def _axe_script() -> Path:
    """axe-core, installed by ``make install`` from tests/browser/package-lock.json."""
    if not AXE_SCRIPT.is_file():
        skip_or_fail("axe-core is not installed: run `make install` (it runs `npm ci --prefix "
                     "tests/browser`; npm is Debian's package 'npm')")
    return AXE_SCRIPT


@pytest.fixture(scope="session")
def browser():
    executable = Path("/usr/bin/chromium")
    if not executable.exists():
        found = shutil.which("chromium")
        if found is None:
            skip_or_fail("chromium is not installed (Debian package 'chromium')")
        executable = Path(found)
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the Python package 'playwright' is not installed")

    manager = sync_playwright().start()
    try:
        try:
            chromium = manager.chromium.launch(executable_path=str(executable), headless=True,
                                               args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            skip_or_fail(f"chromium at {executable} does not start: {exc}")
        yield chromium
        chromium.close()
    finally:
        manager.stop()


def _new_page(browser, **context_options):
    # The app's Content-Security-Policy (script-src 'self') would block injecting axe-core.
    context = browser.new_context(bypass_csp=True, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.errors = []  # uncaught JavaScript errors, for tests that want to check there are none
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return context, page


@pytest.fixture
def new_page(browser, _axe_script):
    """Opens more pages, each in a fresh context (another person, another device)."""
    contexts = []

    def make(phone: bool = False):
        options = ({"viewport": PHONE, "is_mobile": True, "has_touch": True}
                   if phone else {"viewport": DESKTOP})
        context, page = _new_page(browser, **options)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def phone_page(new_page):
    return new_page(phone=True)


@pytest.fixture(autouse=True)
def _name_artifacts(request):
    _current["test"] = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
    yield
    _current["test"] = "unnamed"


# --- helpers ---------------------------------------------------------------------------------

def snap(page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/<test>-<name>.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")
    path = SCREENSHOT_DIR / f"{_current['test']}-{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page, *, impacts=("serious", "critical")) -> None:
    """Run axe-core on the page as it is now; fail listing every serious or critical violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary || ''})),
        }));
    }""")
    bad = [v for v in result if v["impact"] in impacts]
    if bad:
        lines = [f"axe-core: {len(bad)} serious/critical violation(s) on {page.url}"]
        for v in bad:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"]:
                target = " ".join(json.dumps(t) if not isinstance(t, str) else t
                                  for t in node["target"])
                summary = " ".join(node["summary"].split())
                lines.append(f"    {target}  {summary}")
        pytest.fail("\n".join(lines), pytrace=False)


def no_horizontal_scroll(page) -> None:
    """The page is no wider than its viewport (so it works on a 360 px phone)."""
    widths = page.evaluate("""() => ({
        scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
        culprits: [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .slice(0, 5)
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                      + (e.className && typeof e.className === 'string'
                         ? '.' + e.className.trim().split(/\\s+/).join('.') : '')),
    })""")
    assert widths["scroll"] <= widths["inner"], (
        f"{page.url} scrolls sideways: {widths['scroll']} px wide in a {widths['inner']} px "
        f"viewport; too wide: {', '.join(widths['culprits']) or '?'}")


def flash_texts(page) -> list[str]:
    return [t.strip() for t in page.locator(".flash").all_inner_texts()]


def expect_flash_with(page, *texts: str) -> None:
    """Wait for the page that follows a click to show a message holding every one of ``texts``.

    Reading the messages straight after a click may read the page before it navigates."""
    from playwright.sync_api import expect

    flash = page.locator(".flash")
    for text in texts:
        flash = flash.filter(has_text=text)
    expect(flash.first).to_be_visible()


def login(page, live_server, email: str, password: str, *, expect_success: bool = True) -> None:
    """Log in through the login form and wait for the answer to load."""
    page.goto(f"{live_server.url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    if expect_success:
        assert "/login" not in page.url, (
            f"login as {email} failed; still on {page.url}; messages: {flash_texts(page)}")


def outbox_messages(app) -> list:
    """The e-mails the application wrote to instance/outbox/, oldest first. Mail leaves after
    the response, so this first waits for the live server's work after its responses."""
    from flask import has_app_context

    from peerreview.after_response import wait_until_done
    from peerreview.extensions import db

    if has_app_context():
        db.session.commit()  # on SQLite the test's transaction may hold the lock delivery needs
    assert wait_until_done(), "mail delivery after a response did not finish"
    folder = Path(app.instance_path) / "outbox"
    if not folder.exists():
        return []
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)]


def link_in(message, contains: str) -> str:
    """The first http(s) link in the e-mail's text that contains ``contains``."""
    body = message.get_body(preferencelist=("plain", "html")).get_content()
    for link in re.findall(r"https?://[^\s<>\"']+", body):
        if contains in link:
            return link
    raise AssertionError(f"no link containing {contains!r} in the e-mail {message['Subject']!r}:\n{body}")
