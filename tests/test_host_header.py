"""Links in e-mails come from SITE_URL, never from the request's Host header, and requests
naming an unknown host are refused (TRUSTED_HOSTS)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from peerreview import PROJECT_ROOT, ConfigurationError, create_app
from peerreview.auth.models import AccountToken
from peerreview.extensions import db

SITE = "https://reviews.example.org"
URL = re.compile(r"""https?://[^\s"'<>]+""")


def _links(messages):
    out = []
    for m in messages:
        for part in m.walk():
            if part.get_content_maintype() == "text":
                out += URL.findall(part.get_content())
    return out


def test_an_unknown_host_is_refused(client, make_user, outbox):
    make_user(email="victim@example.org")
    res = client.post("/password/reset", data={"email": "victim@example.org"},
                      headers={"Host": "evil.example"})
    assert res.status_code == 400
    assert outbox() == []
    assert db.session.scalar(select(func.count()).select_from(AccountToken)) == 0
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/healthz", headers={"Host": "localhost:5000"}).status_code == 200


def test_trusted_hosts_default_to_the_site_and_local_addresses_in_development(tmp_path):
    def hosts(env, **extra):
        return create_app({"ENVIRONMENT": env, "SECRET_KEY": "s" * 40, "SINGLE_WORKER": True,
                           "INSTANCE_PATH": str(tmp_path), "SITE_URL": SITE,
                           "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite",
                           **extra}).config["TRUSTED_HOSTS"]

    assert hosts("production") == ["reviews.example.org"]
    assert hosts("development") == ["reviews.example.org", "localhost", "127.0.0.1", "[::1]"]
    assert hosts("production", TRUSTED_HOSTS="reviews.example.org, .cities.example") == [
        "reviews.example.org", ".cities.example"]
    with pytest.raises(ConfigurationError, match="SITE_URL"):
        hosts("production", SITE_URL="reviews.example.org")


def test_every_link_in_the_mail_comes_from_site_url(app, client, login, make_user, make_city,
                                                   make_benchmark, outbox, monkeypatch):
    """Even when a proxy lets another host name through, the mails link to SITE_URL."""
    monkeypatch.setitem(app.config, "SITE_URL", SITE)
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["localhost", "internal.proxy"])
    host = make_city("Ghent", "BE")
    contact = make_user("Host Contact", city=host, city_role="contact", email="contact@example.org")
    coordinator = make_user("Coordinator", coordinator=True)
    bench = make_benchmark()

    def as_user(user):
        """Log in, with the cookie on the host name the proxy passes on."""
        login(user)
        client.set_cookie("session", client.get_cookie("session").value, domain="internal.proxy")

    def post(url, **data):
        res = client.post(url, data=data, base_url="http://internal.proxy")
        assert res.status_code == 302 and "/login?next" not in res.headers["Location"], url
        return res

    post("/password/reset", email="contact@example.org")
    as_user(coordinator)
    post("/people/invite", email="new.one@example.org", name="New One", city_id=host.id,
         city_role="member")
    as_user(contact)
    post("/reviews/new", theme_id=bench.theme_id, question_1="Do our courses reach everyone?",
         preferred_start="2027-03-01", preferred_end="2027-03-31", working_languages=["en"],
         background="Background.")
    from peerreview.reviews.models import Review

    review = db.session.scalars(select(Review)).one()
    post(f"/reviews/{review.id}/step/submit")
    as_user(coordinator)
    post(f"/reviews/{review.id}/accept", visit_start="2027-03-08", visit_end="2027-03-11",
         team_min=4, team_max=6)
    db.session.refresh(review)
    assert review.state == "accepted"

    messages = outbox()
    assert {"contact@example.org", "new.one@example.org", coordinator.email} <= {m["To"] for m in messages}
    links = _links(messages)
    assert len(links) >= 4
    assert [u for u in links if not u.startswith(SITE + "/")] == []


def test_absolute_links_ignore_the_request_host(app, monkeypatch):
    from peerreview.urls import absolute_url

    monkeypatch.setitem(app.config, "SITE_URL", "https://example.org/network")
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", None)
    with app.test_request_context("/", base_url="http://evil.example"):
        assert absolute_url("auth.reset_password", token="abc") == \
            "https://example.org/network/password/reset/abc"
        assert absolute_url("reports.show", review_id=3, _anchor="host-comments") == \
            "https://example.org/network/reviews/3/report#host-comments"
    with app.app_context():
        assert absolute_url("main.index") == "https://example.org/network/"


def test_no_code_builds_links_from_the_request():
    """Links for outside the site go through peerreview.urls.absolute_url (SITE_URL)."""
    offenders = []
    for path in list(Path(PROJECT_ROOT, "peerreview").rglob("*.py")) + \
            list(Path(PROJECT_ROOT, "templates").rglob("*.*")):
        text = path.read_text(errors="replace")
        for pattern in (r"(?<!\w)_external\s*=", r"host_url", r"url_root", r"request\.host",
                        r"X-Forwarded-Host"):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}: {pattern}")
    assert offenders == []
