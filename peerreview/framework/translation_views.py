"""Translating a benchmark's texts, one language at a time (coordinators).

Translations may be written for any version, published ones too: they do not change what the
benchmark asks, and a host may want its report in a language nobody had written yet. Each
save is audited with the texts it changed.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from peerreview import permissions as perm
from peerreview.audit.services import record
from peerreview.extensions import db
from peerreview.framework.translations import (
    ORIGINAL_LANGUAGE,
    benchmark_parts,
    missing_by_language,
    total_texts,
)
from peerreview.framework.views import bp, load_benchmark
from peerreview.i18n import LANGUAGES
from peerreview.i18n import gettext as _

MAX_LENGTH = 10_000


def _field_name(n: int, field: str) -> str:
    return f"t{n}_{field}"


@bp.route("/benchmarks/<int:benchmark_id>/translations/<lang>", methods=["GET", "POST"])
@login_required
def translate(benchmark_id: int, lang: str):
    perm.require(perm.can_edit_framework(current_user))
    benchmark = load_benchmark(benchmark_id)
    if lang not in LANGUAGES or lang == ORIGINAL_LANGUAGE:
        abort(404)
    parts = benchmark_parts(benchmark)
    errors: dict[str, str] = {}
    if request.method == "POST":
        changed: list[str] = []
        for n, (label, obj) in enumerate(parts):
            for field in obj.TRANSLATED:
                name = _field_name(n, field)
                if name not in request.form:
                    continue
                value = request.form[name]
                if len(value) > MAX_LENGTH:
                    errors[name] = _("Shorten this text to %(max)d characters or fewer.",
                                     max=MAX_LENGTH)
                    continue
                if obj.set_translation(lang, field, value):
                    changed.append(f"{label} {field}")
        if errors:
            db.session.rollback()
            flash(_("Nothing was saved: shorten the texts marked below."), "error")
        else:
            if changed:
                record("benchmark.translations", benchmark, actor=current_user, changes={
                    "language": lang, "version": benchmark.version, "texts": changed})
                db.session.commit()
                flash(_("Saved %(count)d translated text(s) in %(language)s.",
                        count=len(changed), language=LANGUAGES[lang]), "success")
            else:
                flash(_("Nothing to save: no translation changed."), "info")
            return redirect(url_for("framework.translate", benchmark_id=benchmark.id, lang=lang))
    return render_template(
        "framework/translations.html", benchmark=benchmark, theme=benchmark.theme, lang=lang,
        parts=list(enumerate(parts)), field_name=_field_name, errors=errors,
        missing=missing_by_language(benchmark, LANGUAGES), total=total_texts(benchmark),
        form_values=request.form if request.method == "POST" else None)
