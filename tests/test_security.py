"""CSRF on every form, security headers on every page, cookie flags."""

from __future__ import annotations

import pytest

from peerreview import create_app
from tests.access_world import matrix_world, send  # noqa: F401  (fixture)
from tests.test_access_matrix import FEATURE_ROUTES, MATRIX

POST_ROUTES = sorted({r.key: r for r in MATRIX if r.method == "POST"}.values(), key=lambda r: r.key)


def _one_page_per_blueprint():
    pages = {}
    for _, route in FEATURE_ROUTES:
        blueprint = route.endpoint.split(".")[0]
        if route.method == "GET" and route.expect["coordinator"] == "ok" and blueprint not in pages:
            pages[blueprint] = route
    return list(pages.values())


GET_ROUTES = _one_page_per_blueprint()


@pytest.mark.parametrize("route", POST_ROUTES, ids=[" ".join(r.key) for r in POST_ROUTES])
def test_post_without_csrf_token_is_refused(_app, matrix_world, route):
    _app.config["WTF_CSRF_ENABLED"] = True
    try:
        answer = send(_app, matrix_world, route, "coordinator")
    finally:
        _app.config["WTF_CSRF_ENABLED"] = False
    assert answer.status == 400, f"{route.key} accepted a POST without a CSRF token"
    assert b"security token" in answer.body
    assert not answer.changes


def test_post_with_csrf_token_is_accepted(app, client, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user(email="a@example.org")
    page = client.get("/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    res = client.post("/login", data={"csrf_token": token, "email": "a@example.org",
                                      "password": "correct-horse-battery-staple"})
    assert res.status_code == 302


@pytest.mark.parametrize("route", GET_ROUTES, ids=[r.endpoint.split(".")[0] for r in GET_ROUTES])
def test_security_headers_on_every_blueprint(_app, matrix_world, route):
    answer = send(_app, matrix_world, route, "coordinator")
    csp = answer.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert answer.headers.get("X-Content-Type-Options") == "nosniff"
    assert answer.headers.get("Referrer-Policy")


def test_session_cookie_flags_in_development(app, client, make_user):
    make_user(email="a@example.org")
    res = client.post("/login", data={"email": "a@example.org", "password": "correct-horse-battery-staple"})
    cookie = [c for c in res.headers.getlist("Set-Cookie") if c.startswith("session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_in_production(tmp_path):
    app = create_app({"ENVIRONMENT": "production", "SECRET_KEY": "s" * 40,
                      "INSTANCE_PATH": str(tmp_path), "SINGLE_WORKER": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_templates_have_no_inline_scripts_or_styles():
    """The CSP forbids inline code, so none may creep into the templates."""
    from pathlib import Path

    from peerreview import PROJECT_ROOT

    offenders = []
    for path in Path(PROJECT_ROOT, "templates").rglob("*.html"):
        if "reports" in path.parts or "mail" in path.parts or path.name.endswith("_pdf.html"):
            continue  # rendered to PDF or e-mail, never served under the CSP
        text = path.read_text()
        if " style=" in text or "<style" in text or " onclick=" in text or " onsubmit=" in text:
            offenders.append(str(path))
        for chunk in text.split("<script")[1:]:
            tag = chunk.split(">")[0]
            # a data block (type="application/json") is never run, so the CSP lets it be
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(str(path))
    assert not offenders, offenders
