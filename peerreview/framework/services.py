"""Themes and benchmark versions: create, edit drafts, publish, delete drafts, compare.

The versioning rule: a published benchmark is never changed. Every editing function below
refuses a published version (NotAllowed). To change a published benchmark, start a new draft
with :func:`new_draft`, which deep-copies it (key factors, guide questions, context factors)
as the next version; edit the draft; publish it. The previous version stays published and
readable, and whatever points at it keeps pointing at it. A theme has at most one draft.

Functions take objects, flush, write an audit entry and raise DomainError; they never commit.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from peerreview.audit.services import diff, record
from peerreview.domain import DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.framework.constants import normalise_charter_roles
from peerreview.framework.models import Benchmark, ContextFactor, GuideQuestion, KeyFactor, Theme
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.timeutil import utcnow

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
LIMITS = {"slug": 80, "name": 200, "description": 5000, "standard": 2000,
          "source_note": 2000, "code": 20, "title": 300, "text": 2000}


# What ``_text`` says of each text: (when it is missing, when it is too long).
_TEXT_MESSAGES = {
    "a short name for addresses and files": (
        _l("Give a short name for addresses and files."),
        _l("A short name for addresses and files is longer than %(limit)d characters.")),
    "the theme's name": (_l("Give the theme's name."),
                         _l("The theme's name is longer than %(limit)d characters.")),
    "the description": (_l("Give the description."),
                        _l("The description is longer than %(limit)d characters.")),
    "the standard": (_l("Give the standard."),
                     _l("The standard is longer than %(limit)d characters.")),
    "the source note": (_l("Give the source note."),
                        _l("The source note is longer than %(limit)d characters.")),
    "a code such as KF1": (_l("Give a code such as KF1."),
                           _l("A code such as KF1 is longer than %(limit)d characters.")),
    "the key factor's title": (_l("Give the key factor's title."),
                               _l("The key factor's title is longer than %(limit)d characters.")),
    "the question": (_l("Give the question."),
                     _l("The question is longer than %(limit)d characters.")),
    "the context factor": (_l("Give the context factor."),
                           _l("The context factor is longer than %(limit)d characters.")),
}


def _text(value: Any, field: str, what: str, *, required: bool = True,
          limit_key: str | None = None) -> str:
    """``value`` stripped; DomainError when it is missing (and ``required``) or too long.
    ``what`` is a key of _TEXT_MESSAGES."""
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    limit = LIMITS[limit_key or field]
    missing, too_long = _TEXT_MESSAGES[what]
    if required and not text:
        raise DomainError(str(missing), field=field)
    if len(text) > limit:
        raise DomainError(too_long % {"limit": limit}, field=field)
    return text


# --- themes --------------------------------------------------------------------------------

def find_theme(slug: str) -> Theme | None:
    return db.session.scalar(select(Theme).where(Theme.slug == (slug or "").strip().lower()))


def _check_theme(slug: str, name: str, exclude_id: int | None = None) -> None:
    if not re.match(SLUG_PATTERN, slug):
        raise DomainError(_("Use lower-case letters, digits and single hyphens, for example "
                            "\"anti-discrimination\"."), field="slug")
    stmt = select(Theme.id).where(Theme.slug == slug)
    if exclude_id is not None:
        stmt = stmt.where(Theme.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise DomainError(_("A theme with the short name %(slug)s already exists.", slug=repr(slug)),
                          field="slug")
    stmt = select(Theme.id).where(func.lower(Theme.name) == name.lower())
    if exclude_id is not None:
        stmt = stmt.where(Theme.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise DomainError(_("A theme called %(name)s already exists.", name=repr(name)), field="name")


def create_theme(*, slug: str, name: str, description: str = "", actor=None) -> Theme:
    slug = _text(slug, "slug", "a short name for addresses and files").lower()
    name = _text(name, "name", "the theme's name")
    description = _text(description, "description", "the description", required=False)
    _check_theme(slug, name)
    theme = Theme(slug=slug, name=name, description=description)
    db.session.add(theme)
    db.session.flush()
    record("theme.create", theme, actor=actor, changes={"slug": slug, "name": name})
    return theme


def update_theme(theme: Theme, *, name: str, description: str, actor=None) -> dict:
    """Name and description only: the slug identifies the theme in files and addresses."""
    name = _text(name, "name", "the theme's name")
    description = _text(description, "description", "the description", required=False)
    _check_theme(theme.slug, name, exclude_id=theme.id)
    changes = diff(theme, {"name": name, "description": description})
    if changes:
        record("theme.update", theme, actor=actor, changes=changes)
    return changes


# --- benchmark versions ----------------------------------------------------------------------

def benchmark_to_dict(benchmark: Benchmark, *, translations: bool = True) -> dict:
    """The benchmark in the file format (see io.py); also the basis of copies and comparisons.
    Translations of its texts are included where there are any (``translations=False``: the
    content alone)."""
    data = {
        "version": benchmark.version,
        "status": benchmark.status,
        "standard": benchmark.standard,
        "source_note": benchmark.source_note,
        "key_factors": [{
            "code": kf.code,
            "title": kf.title,
            "description": kf.description,
            "charter_roles": list(kf.charter_roles or []),
            "guide_questions": [q.text for q in kf.guide_questions],
        } for kf in benchmark.key_factors],
        "context_factors": [c.text for c in benchmark.context_factors],
    }
    if translations:
        from peerreview.framework import translations as tr

        for kf, out in zip(benchmark.key_factors, data["key_factors"], strict=True):
            if kf_tr := tr.key_factor_to_dict(kf):
                out["translations"] = kf_tr
        if bench_tr := tr.benchmark_to_dict(benchmark):
            data["translations"] = bench_tr
    return data


def build_benchmark(theme: Theme, data: dict) -> Benchmark:
    """A new Benchmark (with children) from the dict form; the caller has validated ``data``."""
    benchmark = Benchmark(theme=theme, version=data["version"], status=data["status"],
                          standard=data.get("standard", ""),
                          source_note=data.get("source_note", ""))
    if data["status"] == "published":
        benchmark.published_at = utcnow()
    for i, kf in enumerate(data.get("key_factors", []), start=1):
        key_factor = KeyFactor(code=kf["code"], title=kf["title"],
                               description=kf.get("description", ""), position=i,
                               charter_roles=list(kf.get("charter_roles", [])))
        key_factor.guide_questions = [GuideQuestion(text=t, position=j)
                                      for j, t in enumerate(kf.get("guide_questions", []), 1)]
        benchmark.key_factors.append(key_factor)
    benchmark.context_factors = [ContextFactor(text=t, position=i)
                                 for i, t in enumerate(data.get("context_factors", []), 1)]
    from peerreview.framework import translations as tr

    tr.apply_benchmark(benchmark, data)
    db.session.add(benchmark)
    return benchmark


def publication_problems(data: dict) -> list[str]:
    """What keeps a benchmark (in dict form) from being published; empty when it is complete."""
    problems = []
    if not (data.get("standard") or "").strip():
        # Translators: the problems are listed after "Version 2 cannot be published yet:"
        problems.append(_("write the one-sentence standard"))
    if not data.get("key_factors"):
        problems.append(_("add at least one key factor"))
    for kf in data.get("key_factors", []):
        if not kf.get("charter_roles"):
            problems.append(_("link %(code)s to at least one Charter role", code=kf["code"]))
        if not kf.get("guide_questions"):
            problems.append(_("give %(code)s at least one guide question", code=kf["code"]))
    return problems


def next_version(theme: Theme) -> int:
    highest = db.session.scalar(select(func.max(Benchmark.version))
                                .where(Benchmark.theme_id == theme.id))
    return (highest or 0) + 1


def _existing_draft(theme: Theme) -> Benchmark | None:
    return db.session.scalar(select(Benchmark).where(Benchmark.theme_id == theme.id,
                                                     Benchmark.status == "draft"))


def new_draft(theme: Theme, *, based_on: Benchmark | None = None, actor=None) -> Benchmark:
    """Start the theme's next version as a draft: a deep copy of ``based_on`` (default: the
    current published version), or empty when the theme has no published version yet."""
    draft = _existing_draft(theme)
    if draft is not None:
        raise NotAllowed(_("%(theme)s already has a draft (version %(version)s). Edit "
                           "or delete that draft before starting another one.",
                           theme=theme.name, version=draft.version))
    if based_on is None:
        based_on = theme.current_benchmark
    elif based_on.theme_id != theme.id or not based_on.is_published:
        raise DomainError(_("A new version can only start from a published version of the same "
                            "theme."), field="based_on")
    data = benchmark_to_dict(based_on) if based_on is not None else {
        "standard": "", "source_note": "", "key_factors": [], "context_factors": []}
    data.update(version=next_version(theme), status="draft")
    try:
        with db.session.begin_nested():
            draft = build_benchmark(theme, data)
            db.session.flush()
    except IntegrityError:
        # Someone else started the same version at the same moment: (theme_id, version) is unique.
        raise NotAllowed(_("Someone else has just started a draft of %(theme)s. Reload the "
                           "page and edit that draft.", theme=theme.name)) from None
    record("benchmark.new_draft", draft, actor=actor, changes={
        "theme": theme.slug, "version": draft.version,
        "based_on": based_on.version if based_on is not None else None})
    return draft


def _require_draft(benchmark: Benchmark) -> None:
    if not benchmark.is_draft:
        raise NotAllowed(_("Version %(version)s of %(theme)s is published "
                           "and cannot be changed. Start a new version to change it; reviews "
                           "and mentorships keep the version they started with.",
                           version=benchmark.version, theme=benchmark.theme.name))


def publish(benchmark: Benchmark, *, actor=None) -> Benchmark:
    """Publish a draft: it becomes the theme's current benchmark. Earlier versions stay."""
    _require_draft(benchmark)
    problems = publication_problems(benchmark_to_dict(benchmark, translations=False))
    if problems:
        raise DomainError(_("Version %(version)s cannot be published yet: %(problems)s.",
                            version=benchmark.version, problems="; ".join(problems)))
    previous = benchmark.theme.current_benchmark
    benchmark.status = "published"
    benchmark.published_at = utcnow()
    db.session.flush()
    record("benchmark.publish", benchmark, actor=actor, changes={
        "theme": benchmark.theme.slug, "version": benchmark.version,
        "supersedes": previous.version if previous is not None else None})
    return benchmark


def delete_draft(benchmark: Benchmark, *, actor=None) -> None:
    if not benchmark.is_draft:
        raise NotAllowed(_("Version %(version)s of %(theme)s is published and cannot be deleted.",
                           version=benchmark.version, theme=benchmark.theme.name))
    record("benchmark.delete_draft", benchmark, actor=actor, changes={
        "theme": benchmark.theme.slug, "version": benchmark.version})
    db.session.delete(benchmark)
    db.session.flush()


def update_benchmark(benchmark: Benchmark, *, standard: str, source_note: str,
                     actor=None) -> dict:
    _require_draft(benchmark)
    values = {"standard": _text(standard, "standard", "the standard", required=False),
              "source_note": _text(source_note, "source_note", "the source note",
                                   required=False)}
    changes = diff(benchmark, values)
    if changes:
        db.session.flush()
        record("benchmark.update", benchmark, actor=actor, changes=changes)
    return changes


# --- key factors, guide questions, context factors ------------------------------------------

def _renumber(items: list) -> None:
    for i, item in enumerate(items, start=1):
        item.position = i


def _move(items: list, item, direction: str) -> bool:
    if direction not in ("up", "down"):
        raise DomainError(_("Move up or down."))
    i = items.index(item)
    j = i - 1 if direction == "up" else i + 1
    if j < 0 or j >= len(items):
        return False
    items = list(items)
    items[i], items[j] = items[j], items[i]
    _renumber(items)
    return True


def _log(action: str, benchmark: Benchmark, actor, **changes) -> None:
    db.session.flush()
    record(action, benchmark, actor=actor, changes={"version": benchmark.version, **changes})


def _key_factor_values(benchmark: Benchmark, values: dict, exclude: KeyFactor | None) -> dict:
    code = _text(values.get("code"), "code", "a code such as KF1", required=exclude is not None)
    if not code:
        taken = {kf.code for kf in benchmark.key_factors}
        n = len(benchmark.key_factors) + 1
        while f"KF{n}" in taken:
            n += 1
        code = f"KF{n}"
    if not re.match(CODE_PATTERN, code):
        raise DomainError(_("Use letters, digits, dots, hyphens or underscores, for example KF3."),
                          field="code")
    if any(kf.code.lower() == code.lower() and kf is not exclude for kf in benchmark.key_factors):
        raise DomainError(_("This benchmark already has a key factor %(code)s.", code=code),
                          field="code")
    roles = normalise_charter_roles(values.get("charter_roles"))
    return {"code": code, "title": _text(values.get("title"), "title", "the key factor's title"),
            "description": _text(values.get("description"), "description", "the description",
                                 required=False),
            "charter_roles": roles}


def add_key_factor(benchmark: Benchmark, values: dict, *, actor=None) -> KeyFactor:
    _require_draft(benchmark)
    clean = _key_factor_values(benchmark, values, None)
    kf = KeyFactor(position=len(benchmark.key_factors) + 1, **clean)
    benchmark.key_factors.append(kf)
    _log("key_factor.add", benchmark, actor, key_factor=kf.code, title=kf.title)
    return kf


def update_key_factor(kf: KeyFactor, values: dict, *, actor=None) -> dict:
    _require_draft(kf.benchmark)
    current = {"code": kf.code, "title": kf.title, "description": kf.description,
               "charter_roles": kf.charter_roles}
    clean = _key_factor_values(kf.benchmark, {**current, **values}, kf)
    code = kf.code
    changes = diff(kf, clean)
    if changes:
        _log("key_factor.update", kf.benchmark, actor, key_factor=code, changes=changes)
    return changes


def remove_key_factor(kf: KeyFactor, *, actor=None) -> None:
    benchmark = kf.benchmark
    _require_draft(benchmark)
    benchmark.key_factors.remove(kf)
    _renumber(benchmark.key_factors)
    _log("key_factor.remove", benchmark, actor, key_factor=kf.code, title=kf.title)


def move_key_factor(kf: KeyFactor, direction: str, *, actor=None) -> bool:
    benchmark = kf.benchmark
    _require_draft(benchmark)
    moved = _move(benchmark.key_factors, kf, direction)
    if moved:
        _log("key_factor.move", benchmark, actor, key_factor=kf.code, direction=direction)
        db.session.expire(benchmark, ["key_factors"])
    return moved


def add_guide_question(kf: KeyFactor, text: str, *, actor=None) -> GuideQuestion:
    _require_draft(kf.benchmark)
    question = GuideQuestion(text=_text(text, "text", "the question"),
                             position=len(kf.guide_questions) + 1)
    kf.guide_questions.append(question)
    _log("guide_question.add", kf.benchmark, actor, key_factor=kf.code, text=question.text)
    return question


def update_guide_question(question: GuideQuestion, text: str, *, actor=None) -> dict:
    kf = question.key_factor
    _require_draft(kf.benchmark)
    changes = diff(question, {"text": _text(text, "text", "the question")})
    if changes:
        _log("guide_question.update", kf.benchmark, actor, key_factor=kf.code, changes=changes)
    return changes


def remove_guide_question(question: GuideQuestion, *, actor=None) -> None:
    kf = question.key_factor
    _require_draft(kf.benchmark)
    kf.guide_questions.remove(question)
    _renumber(kf.guide_questions)
    _log("guide_question.remove", kf.benchmark, actor, key_factor=kf.code, text=question.text)


def move_guide_question(question: GuideQuestion, direction: str, *, actor=None) -> bool:
    kf = question.key_factor
    _require_draft(kf.benchmark)
    moved = _move(kf.guide_questions, question, direction)
    if moved:
        _log("guide_question.move", kf.benchmark, actor, key_factor=kf.code,
             direction=direction)
        db.session.expire(kf, ["guide_questions"])
    return moved


def add_context_factor(benchmark: Benchmark, text: str, *, actor=None) -> ContextFactor:
    _require_draft(benchmark)
    factor = ContextFactor(text=_text(text, "text", "the context factor"),
                           position=len(benchmark.context_factors) + 1)
    benchmark.context_factors.append(factor)
    _log("context_factor.add", benchmark, actor, text=factor.text)
    return factor


def update_context_factor(factor: ContextFactor, text: str, *, actor=None) -> dict:
    _require_draft(factor.benchmark)
    changes = diff(factor, {"text": _text(text, "text", "the context factor")})
    if changes:
        _log("context_factor.update", factor.benchmark, actor, changes=changes)
    return changes


def remove_context_factor(factor: ContextFactor, *, actor=None) -> None:
    benchmark = factor.benchmark
    _require_draft(benchmark)
    benchmark.context_factors.remove(factor)
    _renumber(benchmark.context_factors)
    _log("context_factor.remove", benchmark, actor, text=factor.text)

