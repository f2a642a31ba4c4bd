"""Command line: users create and demo load."""

from __future__ import annotations

from sqlalchemy import func, select

from peerreview.auth.models import User
from peerreview.cities.models import City
from peerreview.extensions import db


def _count_users():
    return db.session.scalar(select(func.count()).select_from(User))


def test_users_create_prints_a_link(runner, make_city):
    make_city("Dublin", "IE", timezone="Europe/Dublin")
    res = runner.invoke(args=["users", "create", "--email", "Aoife@Dublin.example", "--name",
                              "Aoife Byrne", "--city", "Dublin, IE", "--contact",
                              "--language", "en", "--language", "ga"])
    assert res.exit_code == 0, res.output
    assert "Created aoife@dublin.example" in res.output and "/invitation/" in res.output
    user = db.session.scalar(select(User).where(User.email == "aoife@dublin.example"))
    assert user.city.name == "Dublin" and user.city_role == "contact" and user.languages == ["en", "ga"]


def test_users_create_with_password_from_stdin(runner, client):
    res = runner.invoke(args=["users", "create", "--email", "sec@example.org", "--name", "Sec",
                              "--coordinator", "--password-stdin"], input="a-long-secret-pass\n")
    assert res.exit_code == 0, res.output
    assert client.post("/login", data={"email": "sec@example.org",
                                       "password": "a-long-secret-pass"}).status_code == 302


def test_users_create_refuses_bad_input_and_writes_nothing(runner, make_user, make_city):
    make_user(email="taken@example.org")
    make_city("Ghent", "BE")
    before = _count_users()
    cases = [
        (["--email", "TAKEN@example.org", "--name", "X"], "There is already an account"),
        (["--email", "new@example.org", "--name", "X", "--city", "Atlantis"], "Unknown city"),
        (["--email", "not-an-email", "--name", "X"], "Not a valid e-mail address"),
    ]
    for args, message in cases:
        res = runner.invoke(args=["users", "create", *args])
        assert res.exit_code == 1, res.output
        lines = [line for line in res.output.splitlines() if line.strip()]
        assert len(lines) == 1 and message in lines[0], res.output
    assert _count_users() == before


def test_demo_load_is_idempotent(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "coordinator@demo.peerreview.eu" in first.output
    counts = (db.session.scalar(select(func.count()).select_from(City)), _count_users())
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert " 0 things created" in second.output
    assert (db.session.scalar(select(func.count()).select_from(City)), _count_users()) == counts


def test_demo_logins_work(runner, client):
    runner.invoke(args=["demo", "load"])
    for email in ["coordinator", "ghent.contact", "ghent.member", "genoa.contact"]:
        c = client.application.test_client()
        res = c.post("/login", data={"email": f"{email}@demo.peerreview.eu",
                                     "password": "demo-password-2026"})
        assert res.status_code == 302, email
