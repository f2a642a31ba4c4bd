"""Wires blueprints, error pages, security headers and template helpers into the app."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from peerreview import permissions
from peerreview.extensions import db, login_manager
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l

log = logging.getLogger(__name__)

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

ERROR_TEXT = {
    400: (_l("Bad request"), _l("The request could not be understood. If you were sending a form, "
                                "reload the page and try again.")),
    403: (_l("Not allowed"), _l("You do not have access to this page. If you think you should, ask "
                                "your city's contact or the network's secretariat.")),
    404: (_l("Not found"), _l("There is nothing here. The address may be mistyped, or the page may "
                              "have been removed.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Changed by someone else"), _l("Someone changed this while you were working on it.")),
    413: (_l("File too large"), _l("The file is larger than the 20 MB limit. Send a smaller file.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("The error has been logged and nothing was saved. Try again "
                                         "in a moment; if it keeps happening, tell the secretariat.")),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _error_response(code: int, description: str | None = None):
    db.session.rollback()
    title, text = ERROR_TEXT.get(code, (_l("Error"), _l("The request failed.")))
    title, text = str(title), str(text)
    if _wants_json():
        return jsonify({"error": title, "message": description or text}), code
    return render_template("errors/error.html", code=code, title=title,
                           text=description or text), code


class SafeJSONProvider(DefaultJSONProvider):
    """JSON as Flask reads it, except that a document nested too deeply for the parser
    (100,000 brackets) is bad input (400), not a RecursionError (500)."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError(_("The JSON document is nested too deeply.")) from None


def register_web(app: Flask) -> None:
    app.json = SafeJSONProvider(app)
    from peerreview.auth.views import bp as auth_bp
    from peerreview.main.views import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    for module in _feature_blueprints():
        app.register_blueprint(module)

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, url_for

        from peerreview.urls import safe_next

        if request.path.startswith("/api/"):
            return jsonify({"error": _("Log in first."), "login": url_for("auth.login")}), 401
        flash(str(login_manager.login_message), login_manager.login_message_category)
        return redirect(url_for("auth.login", next=safe_next(request.full_path.rstrip("?"))))

    from peerreview import after_response

    after_response.init_app(app)

    from peerreview.observations.service_worker import register_service_worker

    register_service_worker(app)

    @login_manager.user_loader
    def load_user(login_id: str):
        from peerreview.auth import sessions

        return sessions.load(login_id)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _error_response(400, _("The form's security token is missing or has expired. "
                                      "Go back, reload the page and send the form again."))

    @app.errorhandler(SecurityError)
    def untrusted_host(exc: SecurityError):
        # A Host header that is not SITE_URL's host nor in TRUSTED_HOSTS. No page can be
        # built for it (links would point at that host), so the answer is plain text.
        log.warning("Refused a request for an unknown host (%s %s): %s. If this address is "
                    "right, set PEERREVIEW_SITE_URL or PEERREVIEW_TRUSTED_HOSTS.",
                    request.method, request.path, exc.description)
        return Response(_("Bad request: this site is not served under this address.") + "\n",
                        status=400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code in ERROR_TEXT:
            custom = exc.description if getattr(exc, "_peerreview_message", False) else None
            return _error_response(exc.code, custom)
        return exc

    from sqlalchemy.exc import DataError

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def value_out_of_range(exc):
        # a number too large for the database, a malformed value the database refused: the
        # request was bad, and nothing was saved
        log.info("Refused input on %s %s: %s", request.method, request.path, exc)
        return _error_response(400, _("A value in the request is out of range. Check the form "
                                      "and send it again."))

    @app.errorhandler(Exception)
    def unhandled(exc: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return _error_response(500)

    @app.after_request
    def audit_refusals(response):
        """A step refused with a message (NotAllowed), not with a 403 page, is audited too."""
        from flask import g

        refusals = g.pop("refusals", None)
        if refusals and not g.get("denied"):
            permissions.record_refusal(response.status_code, refusals)
        return response

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response

    from peerreview.forms_common import country_name, language_name

    app.add_template_filter(country_name, "country_name")
    app.add_template_filter(language_name, "language_name")

    from peerreview import assets, error_summary, formatting

    formatting.register(app)
    error_summary.register(app)
    assets.register(app)
    _register_row_helpers(app)

    @app.context_processor
    def template_globals():
        from peerreview.navigation import home_cards, nav_links

        return {"can": permissions, "has_endpoint": lambda name: name in app.view_functions,
                "team_endpoint": lambda: ("matching.team" if "matching.team" in app.view_functions
                                          else "reviews.team"), "site_name": app.config["SITE_NAME"],
                "network_name": app.config["NETWORK_NAME"], "nav_links": nav_links,
                "home_cards": home_cards}


def _register_row_helpers(app: Flask) -> None:
    """Template helpers for what a list repeats on every row (a page of 100 accounts draws 300
    one-button forms): the CSRF token asked of Flask-WTF once per request, one-button forms
    and form fields drawn in Python (``buttons.py``, ``forms_common.field``), links built from
    a pattern remembered for the request (``row_url``) and the layout's links remembered by the
    process (see ``urls.py``)."""
    from peerreview.buttons import button_form, csrf_token
    from peerreview.forms_common import field
    from peerreview.js_messages import js_messages
    from peerreview.reviews import display
    from peerreview.urls import remembered_url_for, row_url

    app.jinja_env.globals.update(csrf_token=csrf_token, row_url=row_url, _button_form=button_form,
                                 url_for=remembered_url_for, review_state_badge=display.state_badge,
                                 review_dates=display.dates, js_messages=js_messages,
                                 _field=field)


def _feature_blueprints():
    """Blueprints of the feature packages, in the order their URLs should be matched."""
    from peerreview.audit.views import bp as audit_bp
    from peerreview.cities.views import bp as cities_bp
    from peerreview.deadlines.views import bp as deadlines_bp
    from peerreview.framework.views import bp as framework_bp
    from peerreview.jobs.views import bp as jobs_bp
    from peerreview.languages.views import bp as languages_bp
    from peerreview.library import compare_views  # noqa: F401  (adds its routes to library_bp)
    from peerreview.library.public_views import bp as public_bp
    from peerreview.library.views import bp as library_bp
    from peerreview.matching.views import bp as matching_bp
    from peerreview.mentoring.views import bp as mentoring_bp
    from peerreview.observations.api import bp as api_bp
    from peerreview.observations.views import bp as observations_bp
    from peerreview.people.survey_views import bp as surveys_bp
    from peerreview.people.team_views import bp as visit_team_bp
    from peerreview.people.views import answer_bp
    from peerreview.people.views import bp as interviewees_bp
    from peerreview.reports.lifecycle_views import followup_bp
    from peerreview.reports.views import bp as reports_bp
    from peerreview.reviews.assessment_views import bp as assessment_bp
    from peerreview.reviews.programme_views import bp as programme_bp
    from peerreview.reviews.views import bp as reviews_bp

    return [cities_bp, audit_bp, reviews_bp, assessment_bp, framework_bp, programme_bp,
            observations_bp, api_bp, matching_bp, deadlines_bp, reports_bp, followup_bp, mentoring_bp,
            jobs_bp, languages_bp, interviewees_bp, answer_bp, visit_team_bp, surveys_bp,
            library_bp, public_bp]
