"""Benchmark framework pages: reading (every member), themes, versions, import and export
(coordinators). Editing a draft's content is in editor_views.py, on the same blueprint."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from peerreview import permissions as perm
from peerreview.auth.views import form_error
from peerreview.domain import DomainError
from peerreview.downloads import send_download
from peerreview.extensions import db
from peerreview.framework import io, services
from peerreview.framework.compare import compare as compare_versions
from peerreview.framework.forms import (
    ExportForm,
    ImportForm,
    NewDraftForm,
    ThemeEditForm,
    ThemeForm,
)
from peerreview.framework.models import Benchmark, KeyFactor, Theme
from peerreview.i18n import gettext as _
from peerreview.timeutil import utcnow

bp = Blueprint("framework", __name__, url_prefix="/framework")


def load_benchmark(benchmark_id: int) -> Benchmark:
    """The benchmark with everything its page shows, or 404; drafts 404 for non-coordinators."""
    benchmark = db.session.scalar(select(Benchmark).where(Benchmark.id == benchmark_id).options(
        selectinload(Benchmark.key_factors).selectinload(KeyFactor.guide_questions),
        selectinload(Benchmark.context_factors),
        selectinload(Benchmark.theme).selectinload(Theme.benchmarks)))
    if benchmark is None:
        abort(404)
    perm.require(perm.can_view_benchmark(current_user, benchmark), status=404)
    return benchmark


def visible_versions(theme: Theme) -> list[Benchmark]:
    return [b for b in theme.benchmarks if perm.can_view_benchmark(current_user, b)]


def run(action, success: str | None, target: str):
    """Call a service for a POST button; commit and flash, or roll back and show the error."""
    try:
        result = action()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        if success:
            flash(success.format(result=result), "success")
    return redirect(target)


@bp.get("/")
@login_required
def index():
    perm.require(perm.can_view_framework(current_user))
    themes = db.session.scalars(select(Theme).order_by(Theme.name)
                                .options(selectinload(Theme.benchmarks))).all()
    counts = dict(db.session.execute(select(KeyFactor.benchmark_id, func.count(KeyFactor.id))
                                     .group_by(KeyFactor.benchmark_id)).all())
    versions = {t.id: visible_versions(t) for t in themes}
    return render_template("framework/index.html", themes=themes, versions=versions,
                           counts=counts, export_form=ExportForm(request.args))


@bp.get("/benchmarks/<int:benchmark_id>")
@login_required
def show(benchmark_id: int):
    benchmark = load_benchmark(benchmark_id)
    versions = visible_versions(benchmark.theme)
    earlier = [b for b in versions if b.version < benchmark.version]
    problems = services.publication_problems(services.benchmark_to_dict(benchmark)) \
        if benchmark.is_draft else []
    from peerreview.framework.translations import missing_by_language, total_texts
    from peerreview.i18n import LANGUAGES

    translating = perm.can_edit_framework(current_user)
    return render_template("framework/show.html", benchmark=benchmark, theme=benchmark.theme,
                           previous=earlier[-1] if earlier else None, problems=problems,
                           new_draft=NewDraftForm(),
                           translation_missing=missing_by_language(benchmark, LANGUAGES)
                           if translating else None, translation_total=total_texts(benchmark))


@bp.get("/themes/<int:theme_id>/compare")
@login_required
def compare(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    perm.require(perm.can_view_framework(current_user))
    versions = visible_versions(theme)
    if len(versions) < 2:
        flash(_("%(theme)s has only one version so far: there is nothing to compare.",
                theme=theme.name), "info")
        return redirect(url_for("framework.index"))
    by_number = {b.version: b for b in versions}
    old_v = request.args.get("from", type=int)
    new_v = request.args.get("to", type=int)
    if old_v is None or new_v is None:
        old_v, new_v = versions[-2].version, versions[-1].version
    if old_v not in by_number or new_v not in by_number:
        abort(404)
    old, new = (load_benchmark(by_number[v].id) for v in (old_v, new_v))
    return render_template("framework/compare.html", theme=theme, versions=versions,
                           result=compare_versions(old, new), old=old, new=new)


# --- themes and versions (coordinators) ----------------------------------------------------

@bp.route("/themes/new", methods=["GET", "POST"])
@login_required
def create_theme():
    perm.require(perm.can_edit_framework(current_user))
    form = ThemeForm()
    if form.validate_on_submit():
        try:
            theme = services.create_theme(slug=form.slug.data, name=form.name.data,
                                          description=form.description.data, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("The theme %(theme)s is created. Start its first benchmark draft.",
                    theme=theme.name), "success")
            return redirect(url_for("framework.index") + f"#theme-{theme.id}")
    return render_template("framework/theme_form.html", form=form, theme=None)


@bp.route("/themes/<int:theme_id>/edit", methods=["GET", "POST"])
@login_required
def edit_theme(theme_id: int):
    perm.require(perm.can_edit_framework(current_user))
    theme = db.get_or_404(Theme, theme_id)
    form = ThemeEditForm(obj=theme)
    if form.validate_on_submit():
        try:
            changes = services.update_theme(theme, name=form.name.data,
                                            description=form.description.data,
                                            actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("framework.index") + f"#theme-{theme.id}")
    return render_template("framework/theme_form.html", form=form, theme=theme)


@bp.post("/themes/<int:theme_id>/drafts")
@login_required
def new_draft(theme_id: int):
    perm.require(perm.can_edit_framework(current_user))
    theme = db.get_or_404(Theme, theme_id)
    form = NewDraftForm()
    based_on = None
    if form.based_on.raw_data and form.based_on.raw_data[0]:
        try:
            based_on = db.session.get(Benchmark, int(form.based_on.raw_data[0]))
        except ValueError:
            based_on = None
        if based_on is None:
            flash(_("Choose a version to start from."), "error")
            return redirect(url_for("framework.index") + f"#theme-{theme.id}")
    try:
        draft = services.new_draft(theme, based_on=based_on, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        existing = theme.draft
        if existing is not None:
            return redirect(url_for("framework.show", benchmark_id=existing.id))
        return redirect(url_for("framework.index") + f"#theme-{theme.id}")
    db.session.commit()
    flash(_("Draft version %(version)s started. Only coordinators see it until it is "
            "published.", version=draft.version), "success")
    return redirect(url_for("framework.show", benchmark_id=draft.id))


@bp.post("/benchmarks/<int:benchmark_id>/publish")
@login_required
def publish(benchmark_id: int):
    perm.require(perm.can_edit_framework(current_user))
    benchmark = db.get_or_404(Benchmark, benchmark_id)
    return run(lambda: services.publish(benchmark, actor=current_user),
               _("Version %(version)s is published and is now the current benchmark of "
                 "%(theme)s.", version=benchmark.version, theme=benchmark.theme.name),
               url_for("framework.show", benchmark_id=benchmark.id))


@bp.post("/benchmarks/<int:benchmark_id>/delete")
@login_required
def delete_draft(benchmark_id: int):
    perm.require(perm.can_edit_framework(current_user))
    benchmark = db.get_or_404(Benchmark, benchmark_id)
    theme_id, version = benchmark.theme_id, benchmark.version
    try:
        services.delete_draft(benchmark, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("framework.show", benchmark_id=benchmark_id))
    db.session.commit()
    flash(_("The draft version %(version)s is deleted.", version=version), "success")
    return redirect(url_for("framework.index") + f"#theme-{theme_id}")


# --- import and export ---------------------------------------------------------------------

@bp.get("/export")
@login_required
def export():
    perm.require(perm.can_edit_framework(current_user))
    form = ExportForm(request.args)
    kind = form.format.data if form.format.data in ("json", "yaml") else "json"
    data = io.export_framework(published_only=bool(form.published_only.data))
    name = f"peerreview-framework-{utcnow():%Y-%m-%d}.{kind}"
    mimetype = "application/json" if kind == "json" else "application/yaml"
    return send_download(io.dump(data, kind), name, mimetype)


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_file():
    perm.require(perm.can_edit_framework(current_user))
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            kind = io.file_kind(upload.filename or "")
            raw = upload.read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise DomainError(_("%(name)s: not a UTF-8 text file.", name=upload.filename),
                                  field="file") from None
            data = io.parse_text(text, kind, upload.filename)
            result = io.import_framework(data, source=upload.filename, actor=current_user)
        except io.FrameworkFileError as exc:
            db.session.rollback()
            form.file.errors = list(form.file.errors) + [
                _("%(name)s: nothing was imported. Problems found:", name=upload.filename)] + exc.errors
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(result.summary(), "success")
            return redirect(url_for("framework.index"))
    return render_template("framework/import.html", form=form)


# the editing and translation routes are on the same blueprint
from peerreview.framework import editor_views, translation_views  # noqa: E402,F401
