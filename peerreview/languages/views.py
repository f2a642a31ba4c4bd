"""The language switcher shown on every page (templates/_language_switcher.html)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_babel import force_locale
from flask_login import current_user, login_required

from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.i18n import LANGUAGES, SESSION_KEY, gettext
from peerreview.languages.services import check_language, set_account_language
from peerreview.urls import safe_next

bp = Blueprint("languages", __name__)


@bp.post("/language")
def choose():
    """Anyone may choose: a person who is logged in keeps the choice on the account (and in
    every browser), anyone else in this browser's session."""
    back = safe_next(request.form.get("next")) or url_for("main.index")
    code = request.form.get("language")
    try:
        check_language(code)
    except DomainError as exc:
        # the switcher only offers the languages there are: this came from elsewhere
        abort(400, description=str(exc))
    if current_user.is_authenticated:
        set_account_language(current_user, code, actor=current_user)
        db.session.commit()
    session[SESSION_KEY] = code
    with force_locale(code):
        flash(gettext("The pages are now shown in %(language)s.", language=LANGUAGES[code]),
              "success")
    return redirect(back)


@bp.post("/reviews/<int:review_id>/report-language")
@login_required
def report_language(review_id: int):
    """The host contact or the secretariat changes the report's language, until it is issued."""
    from peerreview import permissions as perm
    from peerreview.languages.services import set_report_language
    from peerreview.reviews.views import load_review

    review = load_review(review_id)
    perm.require(perm.can_set_report_language(current_user, review))
    back = url_for("reviews.show", review_id=review.id)
    try:
        changed = set_report_language(review, request.form.get("report_language"),
                                      actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    db.session.commit()
    if changed:
        flash(gettext("The feedback report will be written in %(language)s.",
                      language=LANGUAGES[review.report_language]), "success")
    return redirect(back)
