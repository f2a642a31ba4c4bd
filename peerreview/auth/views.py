from __future__ import annotations

import json

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only

from peerreview import permissions as perm
from peerreview.after_response import after_response
from peerreview.audit.services import record
from peerreview.auth import personal_data, sessions
from peerreview.auth import services as accounts
from peerreview.auth.forms import (
    ConfirmForm,
    InviteForm,
    LoginForm,
    ProfileForm,
    ResetRequestForm,
    SetPasswordForm,
)
from peerreview.auth.models import User, normalise_email
from peerreview.cities.models import City
from peerreview.domain import DomainError
from peerreview.downloads import send_download
from peerreview.extensions import db, limiter
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.notifications.queue import queue_mail
from peerreview.timeutil import utcnow
from peerreview.urls import absolute_url, safe_next

bp = Blueprint("auth", __name__)

LOGIN_FAILED = _l("The e-mail or password is not right, or the account is not active.")


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key():
    return "login:" + normalise_email(request.form.get("email", ""))


def form_error(form, exc: DomainError):
    """Show a service's error next to its field, or above the form."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = list(field.errors) + [exc.message]
    else:
        flash(exc.message, "error")


def _failed_login(response) -> bool:
    """Only failed attempts count: colleagues behind one office address can all log in."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], scope="login-ip", deduct_when=_failed_login)
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key, scope="login-account",
               deduct_when=_failed_login)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            record("auth.login_failed", object_type="user_account",
                   changes={"email": normalise_email(form.email.data)})
            db.session.commit()
            flash(str(LOGIN_FAILED), "error")
            return render_template("auth/login.html", form=form), 200
        sessions.login(user, remember=form.remember.data)
        user.last_login_at = utcnow()
        record("auth.login", user, actor=user)
        db.session.commit()
        return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    form = ConfirmForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        sessions.logout(current_user)
        db.session.commit()
        flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return redirect(url_for("auth.account"))
    accounts.logout_everywhere(current_user)
    logout_user()
    db.session.commit()
    flash(_("You are logged out on every browser and device, this one too. Log in again to "
            "go on."), "info")
    return redirect(url_for("auth.login"))


def _token_page(purpose: str, token: str, template: str, success: str):
    try:
        stored = accounts.check_token(token, purpose)
    except accounts.TokenProblem as exc:
        return render_template("auth/link_problem.html", problem=exc, purpose=purpose), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.use_token(token, purpose, form.password.data)
        except accounts.TokenProblem as exc:
            db.session.rollback()
            return render_template("auth/link_problem.html", problem=exc, purpose=purpose), 400
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            if current_user.is_authenticated:
                # whoever was logged in on this browser gives way to the person the link is
                # for; only this POST (with its CSRF token) does that, never opening the link
                sessions.logout(current_user)
            sessions.login(user)
            user.last_login_at = utcnow()
            db.session.commit()
            flash(str(success), "success")
            return redirect(url_for("main.index"))
    return render_template(template, form=form, invited=stored.user)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _token_page("invite", token, "auth/accept_invitation.html",
                       _l("Welcome! Your password is set and you are logged in."))


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], scope="reset-ip")
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        # The same answer, by the same path and in the same time, whether or not the account
        # exists: looking the address up, making the link and mailing it all happen after the
        # response has been sent.
        app = current_app._get_current_object()
        email = normalise_email(form.email.data)
        after_response(lambda: _send_reset_link(app, email))
        flash(_("If an active account uses that address, a link to choose a new password is on "
                "its way. It works once, for 24 hours."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


def _send_reset_link(app, email: str) -> None:
    with app.app_context():
        try:
            user = accounts.find_user_by_email(email)
            if user is None or not user.is_active or not user.password_hash:
                return
            token = accounts.issue_token(user, "reset")
            record("user.reset_requested", user, actor=user)
            queue_mail(user.email, "password_reset", user=user,
                       link=absolute_url("auth.reset_password", token=token))
            db.session.commit()
        finally:
            db.session.remove()


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _token_page("reset", token, "auth/reset_password.html",
                       _l("Your new password is set and you are logged in."))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            accounts.update_profile(current_user, name=form.name.data,
                                    languages=form.languages.data or [], actor=current_user,
                                    language=form.language.data)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, confirm=ConfirmForm(),
                           open_sessions=sessions.open_sessions(current_user))


@bp.get("/account/data.json")
@login_required
def my_data():
    data = personal_data.collect(current_user)
    body = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return send_download(body, "my-peerreview-data.json", "application/json")


# --- people (coordinators) -----------------------------------------------------------------

PEOPLE_PAGE = 100

def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.get("/people")
@login_required
def people():
    perm.require(perm.can_manage_users(current_user))
    q = (request.args.get("q") or "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    # what the list shows, the city joined in (no account's languages, dates or settings)
    stmt = select(User).options(
        load_only(User.id, User.email, User.name, User.city_id, User.city_role, User.active,
                  User.is_coordinator, User.password_hash, User.erased_at),
        joinedload(User.city).load_only(City.id, City.name, City.country)).order_by(User.name, User.id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(User.email.like(like) | User.name.ilike(like))
    users = db.session.scalars(stmt.offset((page - 1) * PEOPLE_PAGE).limit(PEOPLE_PAGE + 1)).all()
    return render_template("auth/people.html", users=users[:PEOPLE_PAGE], q=q, page=page,
                           has_more=len(users) > PEOPLE_PAGE, confirm=ConfirmForm(),
                           actions=_account_actions(current_user.id))


def _account_actions(me: int):
    """The buttons of one account's row (resend the invitation, deactivate or reactivate, erase),
    drawn in Python: a page shows 100 accounts. Nobody acts on their own account or on an
    erased one."""
    from markupsafe import Markup

    from peerreview.buttons import button_form
    from peerreview.urls import row_url

    resend, deactivate, reactivate, erase = (_("Resend invitation"), _("Deactivate"), _("Reactivate"),
                                             _("Erase personal data"))

    def actions(u: User) -> Markup:
        if u.erased_at or u.id == me:
            return Markup("")
        out = []
        if u.active and not u.password_hash:
            out.append(button_form(row_url("auth.reinvite", user_id=u.id), resend, "button small"))
        if u.active:
            out.append(button_form(row_url("auth.deactivate", user_id=u.id), deactivate, "button small"))
        else:
            out.append(button_form(row_url("auth.reactivate", user_id=u.id), reactivate, "button small"))
        out.append(button_form(row_url("auth.erase", user_id=u.id), erase, "button small danger",
                               confirm_text=_("Erase the name and e-mail of %(name)s? This cannot be undone.",
                                              name=u.name)))
        return Markup(" ").join(out)

    return actions


def _city_choices():
    cities = db.session.scalars(select(City).order_by(City.name)).all()
    return [(0, _("No city (secretariat)"))] + [(c.id, c.label) for c in cities]


@bp.route("/people/invite", methods=["GET", "POST"])
@login_required
def invite():
    perm.require(perm.can_invite(current_user))
    form = InviteForm()
    form.city_id.choices = _city_choices()
    if request.method == "GET" and request.args.get("city", type=int):
        form.city_id.data = request.args.get("city", type=int)
    if form.validate_on_submit():
        city = db.session.get(City, form.city_id.data) if form.city_id.data else None
        if form.city_id.data and city is None:
            form.city_id.errors = [_("Choose a city from the list.")]
        else:
            try:
                user, token = accounts.invite(
                    email=form.email.data, name=form.name.data, city=city,
                    city_role=form.city_role.data, is_coordinator=form.is_coordinator.data,
                    languages=form.languages.data or [], actor=current_user)
                queue_mail(user.email, "invitation", user=user, inviter=current_user,
                           link=absolute_url("auth.accept_invitation", token=token))
            except DomainError as exc:
                db.session.rollback()
                form_error(form, exc)
            else:
                db.session.commit()
                flash(_("Invitation sent to %(email)s. The link works once, for 7 days.", email=user.email),
                      "success")
                return redirect(url_for("auth.people"))
    return render_template("auth/invite.html", form=form)


def _user_action(user_id: int, action, message):
    perm.require(perm.can_manage_users(current_user))
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return redirect(url_for("auth.people"))
    try:
        action(user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(message(user), "success")
    return redirect(url_for("auth.people"))


@bp.post("/people/<int:user_id>/reinvite")
@login_required
def reinvite(user_id: int):
    def action(user):
        token = accounts.reinvite(user, actor=current_user)
        queue_mail(user.email, "invitation", user=user, inviter=current_user,
                   link=absolute_url("auth.accept_invitation", token=token))
    return _user_action(user_id, action, lambda u: _("A new invitation was sent to %(email)s.", email=u.email))


@bp.post("/people/<int:user_id>/deactivate")
@login_required
def deactivate(user_id: int):
    return _user_action(user_id, lambda u: accounts.deactivate(u, actor=current_user),
                        lambda u: _("%(name)s can no longer log in.", name=u.name))


@bp.post("/people/<int:user_id>/reactivate")
@login_required
def reactivate(user_id: int):
    return _user_action(user_id, lambda u: accounts.reactivate(u, actor=current_user),
                        lambda u: _("%(name)s can log in again.", name=u.name))


@bp.post("/people/<int:user_id>/erase")
@login_required
def erase(user_id: int):
    return _user_action(user_id, lambda u: accounts.erase(u, actor=current_user),
                        lambda u: _("The personal data was erased; their contributions now show as "
                                      "\"former member\"."))
