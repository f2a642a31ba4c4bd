"""Choosing the language: the browser's Accept-Language first, then the switcher (in the
session when logged out, on the account when logged in), hreflang alternates, dates."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from peerreview.audit.models import AuditEntry
from peerreview.i18n import LANGUAGES


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def _csrf(client, url="/login") -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_languages_are_named_in_their_own_language():
    assert list(LANGUAGES) == ["en", "fr", "de", "es", "it", "nl", "pl", "el"]
    assert LANGUAGES["el"] == "Ελληνικά" and LANGUAGES["pl"] == "Polski"


def test_before_any_choice_the_browser_decides(client):
    html = client.get("/login", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert _lang(html) == "pl"
    assert _lang(client.get("/login", headers={"Accept-Language": "ja"}).get_data(as_text=True)) == "en"


def test_every_page_links_its_other_languages(client):
    html = client.get("/login?next=%2Faccount").get_data(as_text=True)
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html))
    assert sorted(links) == sorted(LANGUAGES)
    assert "next=%2Faccount" in links["el"] and links["el"].endswith("lang=el")
    # the alternate opens that page in that language, storing nothing
    assert _lang(client.get("/login?lang=el").get_data(as_text=True)) == "el"
    assert _lang(client.get("/login").get_data(as_text=True)) == "en"


def test_the_login_page_has_the_switcher_and_it_keeps_the_choice_in_the_session(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'action="/language"' in html and ">Ελληνικά</button>" in html
    response = client.post("/language", data={"language": "el", "next": "/login",
                                              "csrf_token": _csrf(client)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    page = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert _lang(page) == "el"
    assert '<span lang="el" aria-current="true">Ελληνικά</span>' in page


def test_the_switcher_never_sends_elsewhere(client):
    response = client.post("/language", data={"language": "de", "next": "https://evil.example/",
                                              "csrf_token": _csrf(client)})
    assert response.headers["Location"].endswith("/")
    assert "evil" not in response.headers["Location"]


def test_an_unknown_language_is_refused(client):
    response = client.post("/language", data={"language": "xx", "csrf_token": _csrf(client)})
    assert response.status_code == 400
    assert _lang(client.get("/login").get_data(as_text=True)) == "en"


def test_a_person_logged_in_keeps_the_choice_on_the_account(app, client, make_user, login, db_session):
    from peerreview.auth.models import User

    person = make_user()
    login(person)
    response = client.post("/language", data={"language": "nl", "next": "/account",
                                              "csrf_token": _csrf(client, "/account")})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(User, person.id).language == "nl"
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "user.language"))
    assert entry is not None and entry.changes == {"language": [None, "nl"]}
    # another browser of the same person: the account decides, not that browser's language
    other = app.test_client()
    login(person, other)
    assert _lang(other.get("/account", headers={"Accept-Language": "de"}).get_data(as_text=True)) == "nl"


def test_the_account_page_sets_and_clears_the_language(client, make_user, login, db_session):
    from peerreview.auth.models import User

    person = make_user(name="Ana Lopes")
    login(person)
    page = client.get("/account").get_data(as_text=True)
    assert 'name="language"' in page and ">Polski</option>" in page
    data = {"name": "Ana Lopes", "languages": ["en"], "language": "pl",
            "csrf_token": _csrf(client, "/account")}
    assert client.post("/account", data=data).status_code == 302
    db_session.expire_all()
    assert db_session.get(User, person.id).language == "pl"
    assert _lang(client.get("/account", headers={"Accept-Language": "fr"}).get_data(as_text=True)) == "pl"
    data["language"] = ""
    client.post("/account", data=data)
    db_session.expire_all()
    assert db_session.get(User, person.id).language is None
    actions = db_session.scalars(select(AuditEntry.changes).where(
        AuditEntry.action == "user.language").order_by(AuditEntry.id)).all()
    assert actions == [{"language": [None, "pl"]}, {"language": ["pl", None]}]


def test_dates_are_written_in_the_language_of_the_page(app):
    from peerreview import formatting
    from peerreview.i18n import use_locale

    day = date(2026, 8, 1)
    with app.test_request_context("/"):
        app.preprocess_request()
        assert formatting.full_day(day) == "1 August 2026"
        with use_locale("fr"):
            assert formatting.full_day(day) == "1 août 2026"
        with use_locale("el"):
            assert "Αυγούστου" in formatting.full_day(day)
        assert formatting.full_day(day) == "1 August 2026"
    with app.app_context():  # a job or a command: no request, the same rule
        with use_locale("pl"):
            assert formatting.full_day(day) == "1 sierpnia 2026"
