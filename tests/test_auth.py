"""Login, invitations, password resets, the password policy, personal data and erasure."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from peerreview.audit.models import AuditEntry
from peerreview.auth.models import AccountToken, User
from peerreview.extensions import db
from tests.conftest import TEST_PASSWORD


def _login(client, email, password, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def _link(message, fragment):
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S*" + re.escape(fragment) + r"\S+", body)
    assert match, body
    return match.group(0).replace("http://localhost", "")


def test_login_and_logout(client, make_user):
    user = make_user("Ana", email="Ana.Costa@Example.org")
    res = _login(client, "  ANA.COSTA@example.org ", TEST_PASSWORD)
    assert res.status_code == 302 and res.headers["Location"] == "/"
    assert "Ana" in client.get("/").get_data(as_text=True)
    assert db.session.get(User, user.id).last_login_at is not None
    client.post("/logout")
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize("case", ["wrong password", "unknown e-mail", "inactive account",
                                  "no password yet"])
def test_failed_logins_look_the_same(client, make_user, case):
    make_user(email="known@example.org")
    make_user(email="inactive@example.org", active=False)
    make_user(email="invited@example.org", password=False)
    email, password = {
        "wrong password": ("known@example.org", "not-the-password"),
        "unknown e-mail": ("nobody@example.org", TEST_PASSWORD),
        "inactive account": ("inactive@example.org", TEST_PASSWORD),
        "no password yet": ("invited@example.org", TEST_PASSWORD),
    }[case]
    res = _login(client, email, password)
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "The e-mail or password is not right, or the account is not active." in html
    assert client.get("/account").status_code == 302
    failed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")).all()
    assert [e.changes["email"] for e in failed] == [email]


def test_sixth_login_attempt_in_a_minute_is_refused(client, make_user):
    make_user(email="target@example.org")
    for _ in range(5):
        assert _login(client, "target@example.org", "wrong-password-x").status_code == 200
    res = _login(client, "target@example.org", TEST_PASSWORD)
    assert res.status_code == 429
    assert "Too many attempts" in res.get_data(as_text=True)


def test_login_limit_counts_per_account_across_addresses(app, make_user):
    make_user(email="target@example.org")
    for i in range(5):
        c = app.test_client()
        res = c.post("/login", data={"email": "target@example.org", "password": "nope-nope-nope"},
                     environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"})
        assert res.status_code == 200
    res = app.test_client().post("/login", data={"email": "target@example.org", "password": "x"},
                                 environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert res.status_code == 429


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_login_does_not_redirect_off_site(client, make_user, target):
    make_user(email="a@example.org")
    res = client.post("/login?next=" + target, data={"email": "a@example.org", "password": TEST_PASSWORD})
    assert res.headers["Location"] == "/"


def test_login_follows_a_local_next(client, make_user):
    make_user(email="a@example.org")
    res = client.post("/login?next=/cities/", data={"email": "a@example.org", "password": TEST_PASSWORD})
    assert res.headers["Location"] == "/cities/"


def test_invitation_journey(client, login, make_user, make_city, outbox):
    city = make_city("Lisbon", "PT", timezone="Europe/Lisbon")
    coordinator = make_user(coordinator=True)
    login(coordinator)
    res = client.post("/people/invite", data={
        "email": "Rita.Sousa@Lisboa.example", "name": "Rita Sousa", "city_id": city.id,
        "city_role": "contact", "languages": ["pt", "en"]})
    assert res.status_code == 302
    invited = db.session.scalar(select(User).where(User.email == "rita.sousa@lisboa.example"))
    assert invited.city_id == city.id and invited.city_role == "contact"
    assert invited.password_hash is None
    [message] = outbox()
    assert message["To"] == "rita.sousa@lisboa.example"
    link = _link(message, "/invitation/")
    client.post("/logout")

    page = client.get(link)
    assert page.status_code == 200 and "Welcome, Rita Sousa" in page.get_data(as_text=True)
    short = client.post(link, data={"password": "short", "confirm": "short"})
    assert "Use at least 12 characters." in short.get_data(as_text=True)
    mismatch = client.post(link, data={"password": "a-good-long-password", "confirm": "other-long-pass"})
    assert "The two passwords are not the same." in mismatch.get_data(as_text=True)
    same_as_email = client.post(link, data={"password": "rita.sousa@lisboa.example",
                                            "confirm": "rita.sousa@lisboa.example"})
    assert "must not be your e-mail address" in same_as_email.get_data(as_text=True)
    assert db.session.get(User, invited.id).password_hash is None

    done = client.post(link, data={"password": "a-good-long-password", "confirm": "a-good-long-password"})
    assert done.status_code == 302
    assert "Rita Sousa" in client.get("/").get_data(as_text=True)

    client.post("/logout")
    again = client.get(link)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)
    assert _login(client, "rita.sousa@lisboa.example", "a-good-long-password").status_code == 302


def test_opening_an_invitation_link_leaves_whoever_is_logged_in_logged_in(client, login,
                                                                          make_user):
    """Only setting the password switches the browser to the invited person: a link (or an
    image pointing at one) must not log anyone out."""
    from peerreview.auth import services as accounts
    from peerreview.auth.models import LoginSession

    coordinator = make_user("Coordinator", coordinator=True)
    invited = make_user("Rita Sousa", password=False)
    token = accounts.issue_token(invited, "invite")
    db.session.commit()
    login(coordinator)

    assert client.get(f"/invitation/{token}").status_code == 200
    assert client.get("/invitation/not-a-token").status_code == 400
    assert client.get("/account").status_code == 200  # still the coordinator
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "auth.logout")) == 0

    done = client.post(f"/invitation/{token}", data={"password": "a-good-long-password",
                                                      "confirm": "a-good-long-password"})
    assert done.status_code == 302
    assert "Rita Sousa" in client.get("/account").get_data(as_text=True)
    ended = db.session.scalars(select(LoginSession).where(
        LoginSession.user_id == coordinator.id)).one()
    assert ended.ended_at is not None  # the coordinator's cookie opens nothing any more


def test_invitation_link_expires_after_seven_days(client, make_user):
    from peerreview.auth import services as accounts

    user = make_user(password=False)
    token = accounts.issue_token(user, "invite")
    stored = db.session.scalars(select(AccountToken)).one()
    assert stored.expires_at - stored.created_at == timedelta(days=7)
    stored.expires_at = stored.created_at - timedelta(seconds=1)
    db.session.commit()
    res = client.post(f"/invitation/{token}", data={"password": "a-good-long-password",
                                                     "confirm": "a-good-long-password"})
    assert res.status_code == 400 and "expired" in res.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash is None


def test_tampered_invitation_link_changes_nothing(client, make_user):
    from peerreview.auth import services as accounts

    user = make_user(password=False)
    token = accounts.issue_token(user, "invite")
    db.session.commit()
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    res = client.post(f"/invitation/{tampered}", data={"password": "a-good-long-password",
                                                        "confirm": "a-good-long-password"})
    assert res.status_code == 400 and "not valid" in res.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash is None


def test_a_reset_token_does_not_work_as_an_invitation(client, make_user):
    from peerreview.auth import services as accounts

    user = make_user()
    token = accounts.issue_token(user, "reset")
    db.session.commit()
    assert client.get(f"/invitation/{token}").status_code == 400


def test_resending_an_invitation_replaces_the_old_link(client, login, make_user, outbox):
    from peerreview.auth import services as accounts

    invited = make_user("Invitee", password=False)
    old = accounts.issue_token(invited, "invite")
    db.session.commit()
    login(make_user(coordinator=True))
    assert client.post(f"/people/{invited.id}/reinvite").status_code == 302
    new_link = _link(outbox()[-1], "/invitation/")
    client.post("/logout")
    assert client.get(f"/invitation/{old}").status_code == 400
    assert client.get(new_link).status_code == 200


def test_password_reset(client, make_user, outbox):
    user = make_user(email="forgetful@example.org")
    res = client.post("/password/reset", data={"email": "forgetful@example.org"})
    assert res.status_code == 302
    link = _link(outbox()[0], "/password/reset/")
    assert client.post(link, data={"password": "brand-new-password", "confirm": "brand-new-password"}).status_code == 302
    client.post("/logout")
    assert _login(client, user.email, TEST_PASSWORD).status_code == 200  # old one no longer works
    assert _login(client, user.email, "brand-new-password").status_code == 302


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(client, make_user, outbox):
    make_user(email="known@example.org")
    known = client.post("/password/reset", data={"email": "known@example.org"}, follow_redirects=True)
    unknown = client.post("/password/reset", data={"email": "unknown@example.org"}, follow_redirects=True)
    assert len(outbox()) == 1
    message = "If an active account uses that address"
    assert message in known.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_profile_update_is_audited(client, login, make_user):
    user = make_user("Old Name")
    login(user)
    res = client.post("/account", data={"name": "New Name", "languages": ["fr", "en"]})
    assert res.status_code == 302
    assert db.session.get(User, user.id).name == "New Name"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.update")).one()
    assert entry.changes["name"] == ["Old Name", "New Name"]


def test_my_data_download(client, login, make_user, make_city):
    user = make_user("Maria Data", city=make_city("Vienna", "AT", timezone="Europe/Vienna"))
    login(user)
    client.post("/account", data={"name": "Maria Data", "languages": ["de"]})
    res = client.get("/account/data.json")
    assert res.status_code == 200
    assert "attachment" in res.headers["Content-Disposition"]
    data = res.get_json(force=True)
    assert data["account"]["email"] == user.email
    assert data["account"]["city"] == "Vienna (AT)"
    assert any(a["action"] == "user.update" for a in data["activity"])


def test_deactivated_user_cannot_log_in(client, login, make_user):
    target = make_user(email="leaving@example.org")
    coordinator = make_user(coordinator=True)
    login(coordinator)
    assert client.post(f"/people/{target.id}/deactivate").status_code == 302
    client.post("/logout")
    assert "not right" in _login(client, "leaving@example.org", TEST_PASSWORD).get_data(as_text=True)


def test_deactivated_user_is_logged_out_of_open_sessions(app, login, make_user):
    target = make_user()
    session_client = app.test_client()
    login(target, session_client)
    assert session_client.get("/account").status_code == 200
    target.active = False
    db.session.commit()
    assert session_client.get("/account").status_code == 302


def test_erase_keeps_contributions_but_removes_personal_data(client, login, make_user, make_city):
    city = make_city()
    target = make_user("Erik Example", email="erik@example.org", city=city)
    coordinator = make_user(coordinator=True)
    login(target)
    client.post("/account", data={"name": "Erik Example", "languages": ["sv"]})
    client.post("/logout")
    _login(client, "erik@example.org", "wrong-password-1")
    login(coordinator)
    res = client.post(f"/people/{target.id}/erase", follow_redirects=True)
    assert "The personal data was erased" in res.get_data(as_text=True)
    erased = db.session.get(User, target.id)
    assert erased.name == "Former member" and erased.display_name == "former member"
    assert "erik" not in erased.email and not erased.is_active
    # what the person did is still attributed to the (now anonymous) account
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.actor_id == target.id)) >= 1
    # and no audit detail still carries the old e-mail or name
    for entry in db.session.scalars(select(AuditEntry)):
        text = str(entry.changes)
        assert "erik@example.org" not in text and "Erik Example" not in text
    people = client.get("/people").get_data(as_text=True)
    assert "Erik Example" not in people and "erik@example.org" not in people


def test_coordinator_cannot_erase_or_deactivate_themselves(client, login, make_user):
    me = make_user(coordinator=True)
    login(me)
    res = client.post(f"/people/{me.id}/erase", follow_redirects=True)
    assert "You cannot erase your own account." in res.get_data(as_text=True)
    assert db.session.get(User, me.id).erased_at is None


def test_invite_form_errors_are_next_to_the_field(client, login, make_user):
    existing = make_user(email="taken@example.org")
    login(make_user(coordinator=True))
    res = client.post("/people/invite", data={"email": "taken@example.org", "name": "Someone",
                                              "city_id": 0, "city_role": "member"})
    html = res.get_data(as_text=True)
    assert res.status_code == 200
    assert re.search(r'id="email-error">There is already an account for taken@example.org', html)
    bad = client.post("/people/invite", data={"email": "not-an-email", "name": "Someone",
                                              "city_id": 0, "city_role": "member"})
    assert 'id="email-error"' in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 2
    assert existing.name


def test_successful_logins_do_not_use_up_the_limit(app, make_user):
    """Many colleagues behind one office address can all log in."""
    for i in range(8):
        make_user(email=f"colleague{i}@example.org")
        res = app.test_client().post("/login", data={"email": f"colleague{i}@example.org",
                                                     "password": TEST_PASSWORD})
        assert res.status_code == 302, i


def test_login_limit_with_redis_storage(app, make_user, tmp_path):
    """With several workers the attempts are counted in Redis (RATELIMIT_STORAGE_URI)."""
    import uuid

    import redis

    from peerreview import create_app
    from tests.conftest import make_test_config, skip_or_fail

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        skip_or_fail(f"Redis at {url} does not answer: {exc}")
    from peerreview.extensions import db, limiter

    make_user(email="target@example.org")
    # Keys of our own: the Redis database is shared, and limits' reset() (called before every
    # test by a limiter that uses Redis) deletes every key under its prefix.
    prefix = f"peerreview-test-{uuid.uuid4().hex}"
    config = make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path,
                              RATELIMIT_STORAGE_URI=url, RATELIMIT_KEY_PREFIX=prefix,
                              RATELIMIT_STORAGE_OPTIONS={"key_prefix": prefix})
    # The limiter is one object for every app of the process: give it back its memory storage
    # afterwards, so that later tests in this process do not count (and reset) in Redis.
    saved = {k: getattr(limiter, k) for k in ("_storage", "_limiter", "_key_prefix")}
    saved_options = dict(limiter._storage_options)
    try:
        workers = [create_app(config) for _ in range(2)]  # two workers share the count
        for i in range(5):
            res = workers[i % 2].test_client().post(
                "/login", data={"email": "target@example.org", "password": "wrong-password-x"})
            assert res.status_code == 200
        res = workers[1].test_client().post("/login", data={"email": "target@example.org",
                                                            "password": TEST_PASSWORD})
        assert res.status_code == 429
        limiter.reset()
    finally:
        for key, value in saved.items():
            setattr(limiter, key, value)
        limiter._storage_options.clear()
        limiter._storage_options.update(saved_options)
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()
