"""What a list repeats on every row, drawn in Python: the CSRF token asked of Flask-WTF once per
request, and one-button forms (deactivate, resend, erase). A page of 100 accounts draws 300 of
them; a macro, or even a template call per button, costs several times as much."""

from __future__ import annotations

from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from peerreview.request_cache import once


def csrf_token() -> str:
    return once("csrf_token", generate_csrf)


def button_form(action, label, class_="button", confirm_text=None) -> Markup:
    confirm = f' data-confirm="{escape(confirm_text)}"' if confirm_text else ""
    return Markup(f'<form method="post" action="{escape(action)}" class="inline-form">'
                  f'<input type="hidden" name="csrf_token" value="{escape(csrf_token())}">'
                  f'<button type="submit" class="{escape(class_)}"{confirm}>{escape(label)}</button></form>')
