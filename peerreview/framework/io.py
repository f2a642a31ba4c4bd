"""Import and export of the benchmark framework as JSON or YAML (format: see schema.py).

A file is checked completely before anything is written: against the schema, for what a
schema cannot say, and against the database (a version that exists here must be identical).
An import loads everything or nothing, and importing the same file again changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from peerreview.audit.services import record
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.framework import translations
from peerreview.framework.models import Benchmark, KeyFactor, Theme
from peerreview.framework.schema import FORMAT, FORMAT_VERSION, FrameworkFileError, validate
from peerreview.framework.services import benchmark_to_dict, build_benchmark
from peerreview.i18n import gettext as _
from peerreview.i18n import ngettext

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "default_framework.json"


@dataclass
class ImportResult:
    themes_created: list[str] = field(default_factory=list)
    themes_updated: list[str] = field(default_factory=list)
    themes_unchanged: list[str] = field(default_factory=list)
    benchmarks_created: list[str] = field(default_factory=list)
    benchmarks_unchanged: list[str] = field(default_factory=list)
    # versions here whose content is the file's, but whose translations the file changes
    benchmarks_translated: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return len(self.themes_created) + len(self.benchmarks_created)

    @property
    def existing(self) -> int:
        return (len(self.themes_updated) + len(self.themes_unchanged)
                + len(self.benchmarks_unchanged))

    @property
    def changed(self) -> bool:
        return bool(self.themes_created or self.themes_updated or self.benchmarks_created
                    or self.benchmarks_translated)

    def summary(self) -> str:
        if not self.changed:
            themes = ngettext("%(num)d theme", "%(num)d themes", len(self.themes_unchanged))
            return ngettext("Nothing to import: the %(num)d benchmark version of %(themes)s is "
                            "already here.",
                            "Nothing to import: all %(num)d benchmark versions of %(themes)s are "
                            "already here.", len(self.benchmarks_unchanged), themes=themes)
        parts = [ngettext("%(num)d theme created", "%(num)d themes created",
                          len(self.themes_created)),
                 ngettext("%(num)d benchmark version created", "%(num)d benchmark versions created",
                          len(self.benchmarks_created))]
        if self.themes_updated:
            parts.append(ngettext("%(num)d theme renamed, redescribed or translated",
                                  "%(num)d themes renamed, redescribed or translated",
                                  len(self.themes_updated)))
        if self.benchmarks_translated:
            parts.append(ngettext("translations of %(num)d benchmark version updated",
                                  "translations of %(num)d benchmark versions updated",
                                  len(self.benchmarks_translated)))
        parts.append(_("%(num)d already here", num=len(self.benchmarks_unchanged)))
        # Translators: the parts are "2 themes created", "3 benchmark versions created" ...
        return _("Imported: %(parts)s.", parts=", ".join(parts))


# --- reading and writing files ----------------------------------------------------------------

def file_kind(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    raise DomainError(_("%(name)s: use a file name ending in .json, .yaml or .yml.", name=name),
                      field="file")


def parse_text(text: str, kind: str, source: str = "") -> object:
    try:
        if kind == "json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise FrameworkFileError(
            [_("not valid JSON: line %(line)d column %(column)d: %(problem)s",
               line=exc.lineno, column=exc.colno, problem=exc.msg)], source
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark:
            message = _("not valid YAML: line %(line)d column %(column)d: %(problem)s",
                        line=mark.line + 1, column=mark.column + 1, problem=problem)
        else:
            message = _("not valid YAML: %(problem)s", problem=problem)
        raise FrameworkFileError([message], source) from None


def read_file(path: str | Path) -> object:
    path = Path(path)
    kind = file_kind(path.name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DomainError(_("%(path)s: no such file.", path=path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DomainError(_("%(path)s: cannot be read (%(problem)s).", path=path, problem=exc)) from None
    return parse_text(text, kind, str(path))


def load_default() -> object:
    """The framework shipped with the application (the content of ``demo load``)."""
    return read_file(DEFAULT_FILE)


def dump(data: dict, kind: str) -> str:
    if kind == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)


def export_framework(*, slugs: list[str] | None = None, published_only: bool = False) -> dict:
    """All themes (ordered by slug) with all their versions, in the file format."""
    stmt = select(Theme).order_by(Theme.slug).options(
        selectinload(Theme.benchmarks).selectinload(Benchmark.key_factors)
        .selectinload(KeyFactor.guide_questions),
        selectinload(Theme.benchmarks).selectinload(Benchmark.context_factors))
    if slugs:
        stmt = stmt.where(Theme.slug.in_(slugs))
    themes = []
    for theme in db.session.scalars(stmt):
        item = {
            "slug": theme.slug, "name": theme.name, "description": theme.description,
            "benchmarks": [benchmark_to_dict(b) for b in theme.benchmarks
                           if b.is_published or not published_only],
        }
        if theme_tr := translations.theme_to_dict(theme):
            item["translations"] = theme_tr
        themes.append(item)
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "themes": themes}


# --- import -----------------------------------------------------------------------------------

def _existing_themes(slugs: list[str]) -> dict[str, Theme]:
    stmt = select(Theme).where(Theme.slug.in_(slugs)).options(
        selectinload(Theme.benchmarks).selectinload(Benchmark.key_factors)
        .selectinload(KeyFactor.guide_questions),
        selectinload(Theme.benchmarks).selectinload(Benchmark.context_factors))
    return {t.slug: t for t in db.session.scalars(stmt)}


def _plan_theme(t: int, item: dict, theme: Theme | None, result: ImportResult,
                errors: list[str]) -> tuple[list[dict], list[tuple[Benchmark, dict]]]:
    """Check one theme of the file against the database; return the benchmarks to create and
    the versions here whose translations the file changes (their content is the same)."""
    where = f"themes[{t}]"
    taken = db.session.scalar(select(Theme).where(
        func.lower(Theme.name) == item["name"].lower(), Theme.slug != item["slug"]))
    if taken is not None:
        errors.append(_("%(where)s.name: a theme called %(name)s already exists here "
                        "with the short name %(slug)s", where=where, name=repr(taken.name),
                        slug=repr(taken.slug)))
    existing = {b.version: b for b in theme.benchmarks} if theme is not None else {}
    draft = next((b for b in existing.values() if b.is_draft), None)
    to_create, to_translate = [], []
    for b, bench in enumerate(item["benchmarks"]):
        bwhere = f"{where}.benchmarks[{b}]"
        label = _("%(slug)s version %(version)s", slug=item["slug"], version=bench["version"])
        here = existing.get(bench["version"])
        if here is not None:
            if benchmark_to_dict(here) == bench:
                result.benchmarks_unchanged.append(label)
            elif (benchmark_to_dict(here, translations=False)
                  == translations.without_translations(bench)):
                # the same benchmark with other translations: translations may be added to
                # any version, published ones too (they do not change what it asks)
                to_translate.append((here, bench))
                result.benchmarks_translated.append(label)
            elif here.is_published:
                errors.append(_("%(where)s: %(label)s is already published here with different "
                                "content; published versions never change, so give the changed "
                                "benchmark a new version number", where=bwhere, label=label))
            else:
                errors.append(_("%(where)s: %(label)s is a draft here with different content; "
                                "delete or publish that draft first, or use another version",
                                where=bwhere, label=label))
            continue
        if bench["status"] == "draft":
            if draft is not None:
                errors.append(_("%(where)s.status: %(slug)s already has a draft here "
                                "(version %(version)s); a theme has at most one draft",
                                where=bwhere, slug=item["slug"], version=draft.version))
            elif existing and max(existing) > bench["version"]:
                errors.append(_("%(where)s.status: a draft must be the theme's highest version, "
                                "but version %(version)s exists here", where=bwhere,
                                version=max(existing)))
        elif draft is not None and draft.version < bench["version"]:
            errors.append(_("%(where)s.version: the draft version %(draft)s here must stay "
                            "the highest; publish or delete it before importing version "
                            "%(version)s", where=bwhere, draft=draft.version,
                            version=bench["version"]))
        to_create.append(bench)
        result.benchmarks_created.append(label)
    return to_create, to_translate


def import_framework(data: object, *, source: str = "", actor=None) -> ImportResult:
    """Load a framework file's content: everything or nothing (raises before any write)."""
    clean = validate(data, source)
    themes = _existing_themes([t["slug"] for t in clean["themes"]])
    result = ImportResult()
    errors: list[str] = []
    plans = [(item, themes.get(item["slug"]),
              _plan_theme(t, item, themes.get(item["slug"]), result, errors))
             for t, item in enumerate(clean["themes"])]
    if errors:
        raise FrameworkFileError(errors, source)
    for item, theme, (to_create, to_translate) in plans:
        if theme is None:
            theme = Theme(slug=item["slug"], name=item["name"], description=item["description"])
            translations.apply_theme(theme, item.get("translations"))
            db.session.add(theme)
            db.session.flush()
            record("theme.create", theme, actor=actor,
                   changes={"slug": theme.slug, "name": theme.name, "source": "import"})
            result.themes_created.append(theme.slug)
        elif ((theme.name, theme.description) != (item["name"], item["description"])
              or translations.theme_to_dict(theme) != item.get("translations", {})):
            changes = {k: [getattr(theme, k), item[k]] for k in ("name", "description")
                       if getattr(theme, k) != item[k]}
            before = translations.theme_to_dict(theme)
            theme.name, theme.description = item["name"], item["description"]
            if translations.apply_theme(theme, item.get("translations")):
                changes["translations"] = [before, translations.theme_to_dict(theme)]
            record("theme.update", theme, actor=actor, changes={**changes, "source": "import"})
            result.themes_updated.append(theme.slug)
        else:
            result.themes_unchanged.append(theme.slug)
        for here, bench in to_translate:
            translations.apply_benchmark(here, bench)
            record("benchmark.translations", here, actor=actor, changes={
                "theme": theme.slug, "version": here.version, "source": "import"})
        for bench in sorted(to_create, key=lambda b: b["version"]):
            benchmark = build_benchmark(theme, bench)
            db.session.flush()
            record("benchmark.import", benchmark, actor=actor, changes={
                "theme": theme.slug, "version": benchmark.version, "status": benchmark.status})
    if result.changed:
        record("framework.import", object_type="framework", actor=actor, changes={
            "source": source, "themes_created": result.themes_created,
            "benchmarks_created": result.benchmarks_created,
            "themes_updated": result.themes_updated,
            "benchmarks_translated": result.benchmarks_translated})
    db.session.flush()
    return result
