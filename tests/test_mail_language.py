"""E-mails are written in the recipient's language, whatever the language of the person whose
action sent them."""

from __future__ import annotations

from flask import template_rendered
from flask_babel import get_locale

from peerreview.extensions import db
from peerreview.notifications.queue import queue_mail, recipient_language


def _languages_while_rendering(app, send) -> list[tuple[str, str]]:
    seen = []

    def on_render(sender, template, context, **extra):
        if template.name.startswith("mail/"):
            seen.append((template.name, str(get_locale())))

    with template_rendered.connected_to(on_render, app):
        send()
    return seen


def test_each_recipient_gets_the_mail_in_their_language(app, make_user):
    greek = make_user("Eleni Papadopoulou")
    greek.language = "el"
    polish = make_user("Piotr Nowak")
    polish.language = "pl"
    undecided = make_user("Ana Lopes")
    db.session.commit()
    # the sender reads French: that changes nothing for the recipients
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        app.preprocess_request()
        seen = _languages_while_rendering(app, lambda: [
            queue_mail(u.email, "password_reset", user=u, link="https://example.org/x")
            for u in (greek, polish, undecided)])
        assert str(get_locale()) == "fr"   # and the page goes on in the sender's language
    by_template = {}
    for name, lang in seen:
        by_template.setdefault(name, []).append(lang)
    assert by_template["mail/password_reset.txt"] == ["el", "pl", "en"]
    assert by_template["mail/password_reset.subject.txt"] == ["el", "pl", "en"]


def test_the_recipient_is_found_by_address_when_the_context_names_someone_else(app, make_user):
    actor = make_user("Actor")
    recipient = make_user("Recipient", email="Recipient@Example.org")
    recipient.language = "nl"
    db.session.commit()
    assert recipient_language("recipient@example.org", {"user": actor}) == "nl"
    assert recipient_language("nobody@example.org", {}) == "en"


def test_a_mail_outside_any_request_is_in_the_recipient_language(app, make_user):
    person = make_user("Jan de Vries")
    person.language = "nl"
    db.session.commit()
    # (the test's application context, as a command or a job has: no request)
    seen = _languages_while_rendering(app, lambda: queue_mail(
        person.email, "password_reset", user=person, link="https://example.org/x"))
    assert {lang for _, lang in seen} == {"nl"}
