"""Editing a draft benchmark: standard and source note, key factors, guide questions, context
factors. Coordinators only; every service refuses a published version with a clear message."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from peerreview import permissions as perm
from peerreview.auth.views import form_error
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.framework import services
from peerreview.framework.forms import (
    BenchmarkForm,
    ContextFactorForm,
    GuideQuestionForm,
    KeyFactorForm,
    NewContextFactorForm,
    NewGuideQuestionForm,
)
from peerreview.framework.models import ContextFactor, GuideQuestion, KeyFactor
from peerreview.framework.views import bp, load_benchmark, run
from peerreview.i18n import gettext as _


def _show(benchmark, anchor: str = "") -> str:
    return url_for("framework.show", benchmark_id=benchmark.id) + (f"#{anchor}" if anchor else "")


def _published_notice(benchmark):
    """For a GET on an editing page of a published version: say why, and go back."""
    perm.refuse(_("Version %(version)s is published and cannot be changed. Start a new "
                  "version to change it.", version=benchmark.version))
    return redirect(_show(benchmark))


def _save(form, action, success: str, target: str) -> object | None:
    """Run a service for a validated form; commit and redirect, or put the error on the form."""
    try:
        action()
    except DomainError as exc:
        db.session.rollback()
        form_error(form, exc)
        return None
    db.session.commit()
    flash(success, "success")
    return redirect(target)


# --- the benchmark's standard, source note and context factors ----------------------------

@bp.route("/benchmarks/<int:benchmark_id>/edit", methods=["GET", "POST"])
@login_required
def edit_benchmark(benchmark_id: int):
    perm.require(perm.can_edit_framework(current_user))
    benchmark = load_benchmark(benchmark_id)
    if not benchmark.is_draft:
        return _published_notice(benchmark)
    form = BenchmarkForm(obj=benchmark)
    if form.validate_on_submit():
        done = _save(form, lambda: services.update_benchmark(
            benchmark, standard=form.standard.data, source_note=form.source_note.data,
            actor=current_user), _("Saved."), _show(benchmark))
        if done:
            return done
    return render_template("framework/benchmark_form.html", form=form, benchmark=benchmark,
                           context_form=NewContextFactorForm(prefix="cf"))


@bp.post("/benchmarks/<int:benchmark_id>/context-factors")
@login_required
def add_context_factor(benchmark_id: int):
    perm.require(perm.can_edit_framework(current_user))
    benchmark = load_benchmark(benchmark_id)
    if not benchmark.is_draft:
        return _published_notice(benchmark)
    context_form = NewContextFactorForm(prefix="cf")
    if context_form.validate_on_submit():
        done = _save(context_form, lambda: services.add_context_factor(
            benchmark, context_form.text.data, actor=current_user),
            _("Context factor added."), url_for("framework.edit_benchmark",
                                                benchmark_id=benchmark.id) + "#context-factors")
        if done:
            return done
    return render_template("framework/benchmark_form.html", benchmark=benchmark,
                           form=BenchmarkForm(obj=benchmark, formdata=None),
                           context_form=context_form)


@bp.route("/context-factors/<int:factor_id>/edit", methods=["GET", "POST"])
@login_required
def edit_context_factor(factor_id: int):
    perm.require(perm.can_edit_framework(current_user))
    factor = db.get_or_404(ContextFactor, factor_id)
    benchmark = factor.benchmark
    if not benchmark.is_draft:
        return _published_notice(benchmark)
    form = ContextFactorForm(obj=factor)
    if form.validate_on_submit():
        done = _save(form, lambda: services.update_context_factor(
            factor, form.text.data, actor=current_user), _("Context factor saved."),
            url_for("framework.edit_benchmark", benchmark_id=benchmark.id) + "#context-factors")
        if done:
            return done
    return render_template("framework/text_form.html", form=form, benchmark=benchmark,
                           heading=_("Edit a context factor"),
                           back=url_for("framework.edit_benchmark", benchmark_id=benchmark.id))


@bp.post("/context-factors/<int:factor_id>/delete")
@login_required
def remove_context_factor(factor_id: int):
    perm.require(perm.can_edit_framework(current_user))
    factor = db.get_or_404(ContextFactor, factor_id)
    benchmark = factor.benchmark
    return run(lambda: services.remove_context_factor(factor, actor=current_user),
               _("Context factor removed."),
               url_for("framework.edit_benchmark", benchmark_id=benchmark.id)
               if benchmark.is_draft else _show(benchmark))


# --- key factors ---------------------------------------------------------------------------

def _key_factor_values(form: KeyFactorForm) -> dict:
    return {"code": form.code.data, "title": form.title.data,
            "description": form.description.data,
            "charter_roles": form.charter_roles.data or []}


@bp.route("/benchmarks/<int:benchmark_id>/key-factors/new", methods=["GET", "POST"])
@login_required
def add_key_factor(benchmark_id: int):
    perm.require(perm.can_edit_framework(current_user))
    benchmark = load_benchmark(benchmark_id)
    if not benchmark.is_draft:
        return _published_notice(benchmark)
    form = KeyFactorForm()
    if form.validate_on_submit():
        try:
            kf = services.add_key_factor(benchmark, _key_factor_values(form), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("%(code)s added. Now give it guide questions.", code=kf.code), "success")
            return redirect(url_for("framework.edit_key_factor", kf_id=kf.id))
    return render_template("framework/key_factor_form.html", form=form, benchmark=benchmark,
                           key_factor=None)


@bp.route("/key-factors/<int:kf_id>/edit", methods=["GET", "POST"])
@login_required
def edit_key_factor(kf_id: int):
    perm.require(perm.can_edit_framework(current_user))
    kf = db.get_or_404(KeyFactor, kf_id)
    benchmark = kf.benchmark
    if not benchmark.is_draft:
        return _published_notice(benchmark)
    form = KeyFactorForm(obj=kf)
    if form.validate_on_submit():
        done = _save(form, lambda: services.update_key_factor(
            kf, _key_factor_values(form), actor=current_user), _("%(code)s saved.", code=kf.code),
            _show(benchmark, f"kf-{kf.id}"))
        if done:
            return done
    return render_template("framework/key_factor_form.html", form=form, benchmark=benchmark,
                           key_factor=kf, question_form=NewGuideQuestionForm(prefix="q"))


@bp.post("/key-factors/<int:kf_id>/delete")
@login_required
def remove_key_factor(kf_id: int):
    perm.require(perm.can_edit_framework(current_user))
    kf = db.get_or_404(KeyFactor, kf_id)
    benchmark, code = kf.benchmark, kf.code
    return run(lambda: services.remove_key_factor(kf, actor=current_user),
               _("%(code)s removed.", code=code), _show(benchmark, "key-factors"))


@bp.post("/key-factors/<int:kf_id>/move/<any(up, down):direction>")
@login_required
def move_key_factor(kf_id: int, direction: str):
    perm.require(perm.can_edit_framework(current_user))
    kf = db.get_or_404(KeyFactor, kf_id)
    return run(lambda: services.move_key_factor(kf, direction, actor=current_user), None,
               _show(kf.benchmark, f"kf-{kf.id}"))


# --- guide questions -----------------------------------------------------------------------

@bp.post("/key-factors/<int:kf_id>/questions")
@login_required
def add_question(kf_id: int):
    perm.require(perm.can_edit_framework(current_user))
    kf = db.get_or_404(KeyFactor, kf_id)
    if not kf.benchmark.is_draft:
        return _published_notice(kf.benchmark)
    question_form = NewGuideQuestionForm(prefix="q")
    if question_form.validate_on_submit():
        done = _save(question_form, lambda: services.add_guide_question(
            kf, question_form.text.data, actor=current_user), _("Guide question added."),
            url_for("framework.edit_key_factor", kf_id=kf.id) + "#questions")
        if done:
            return done
    return render_template("framework/key_factor_form.html", benchmark=kf.benchmark,
                           key_factor=kf, form=KeyFactorForm(obj=kf, formdata=None),
                           question_form=question_form)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit_question(question_id: int):
    perm.require(perm.can_edit_framework(current_user))
    question = db.get_or_404(GuideQuestion, question_id)
    kf = question.key_factor
    if not kf.benchmark.is_draft:
        return _published_notice(kf.benchmark)
    form = GuideQuestionForm(obj=question)
    back = url_for("framework.edit_key_factor", kf_id=kf.id)
    if form.validate_on_submit():
        done = _save(form, lambda: services.update_guide_question(
            question, form.text.data, actor=current_user), _("Guide question saved."),
            back + "#questions")
        if done:
            return done
    return render_template("framework/text_form.html", form=form, benchmark=kf.benchmark,
                           heading=_("Edit a guide question of %(code)s", code=kf.code), back=back)


@bp.post("/questions/<int:question_id>/delete")
@login_required
def remove_question(question_id: int):
    perm.require(perm.can_edit_framework(current_user))
    question = db.get_or_404(GuideQuestion, question_id)
    kf = question.key_factor
    target = url_for("framework.edit_key_factor", kf_id=kf.id) + "#questions" \
        if kf.benchmark.is_draft else _show(kf.benchmark)
    return run(lambda: services.remove_guide_question(question, actor=current_user),
               _("Guide question removed."), target)


@bp.post("/questions/<int:question_id>/move/<any(up, down):direction>")
@login_required
def move_question(question_id: int, direction: str):
    perm.require(perm.can_edit_framework(current_user))
    question = db.get_or_404(GuideQuestion, question_id)
    kf = question.key_factor
    target = url_for("framework.edit_key_factor", kf_id=kf.id) + "#questions" \
        if kf.benchmark.is_draft else _show(kf.benchmark)
    return run(lambda: services.move_guide_question(question, direction, actor=current_user),
               None, target)
