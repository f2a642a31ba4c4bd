"""Are the catalogs complete? ``python -m peerreview.i18n_check`` prints, per language, what is
missing or wrong, and exits with 1 if anything is.

The texts are extracted afresh from the code and the templates (the same rules as ``make
translations``, read from babel.cfg), so a text wrapped in ``_()`` today and not yet in the
catalogs is found even before anyone runs ``make translations``. A catalog fails when:

- a text of the fresh extraction is missing or has no translation (English, the source
  language, may leave its translations empty: the text itself is shown);
- a translation is marked fuzzy (a guess by ``pybabel update`` that nobody has checked);
- a text still used by the code sits among the catalog's obsolete entries (``#~``);
- a translation does not keep the placeholders of its text (``%(city)s`` misspelt or left
  out would make the page fail or lose information).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from peerreview.i18n import DEFAULT, LANGUAGES, TRANSLATIONS_DIR

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?"
                         r"(?P<conv>[diouxXeEfFgGcrsa%])")
# a lone "%" that no conversion follows: Python's % operator fails on it
BROKEN_PERCENT = re.compile(r"%(?![(#0 +\-*.\ddiouxXeEfFgGcrsa%])")


@dataclass
class Problems:
    language: str
    missing: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    obsolete_used: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    no_catalog: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing or self.fuzzy or self.obsolete_used or self.placeholders
                    or self.no_catalog)


def _key(msgid) -> str:
    return msgid[0] if isinstance(msgid, (list, tuple)) else msgid


def extract() -> Catalog:
    """A template (.pot) made now from the code and templates."""
    with open(BABEL_CFG, encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    catalog = Catalog(project="peerreview")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def placeholders(text: str) -> Counter:
    """The named and positional placeholders of a text (``%%`` counts as text)."""
    return Counter((m.group("name"), m.group("conv")) for m in PLACEHOLDER.finditer(text or "")
                   if m.group("conv") != "%")


def placeholder_problem(msgid, msgstr) -> str | None:
    """Why a translation would break or lose its placeholders, None when it keeps them."""
    if isinstance(msgid, (list, tuple)):  # plural: each form within the texts' placeholders
        wanted = placeholders(msgid[0]) | placeholders(msgid[1])
        forms = [s for s in (msgstr or ()) if s]
        for form in forms:
            got = placeholders(form)
            extra = set(got) - set(wanted)
            lost = set(wanted) - set(got) - {("num", "d"), ("num", "s"), (None, "d")}
            if extra or lost or BROKEN_PERCENT.search(form):
                return _describe(msgid[0], form, extra, lost)
        return None
    if not msgstr:
        return None
    got, wanted = placeholders(msgstr), placeholders(msgid)
    if got != wanted or BROKEN_PERCENT.search(msgstr):
        return _describe(msgid, msgstr, set(got) - set(wanted), set(wanted) - set(got))
    return None


def _describe(msgid: str, msgstr: str, extra, lost) -> str:
    def show(items):
        return ", ".join(f"%({n})s" if n else "%s" for n, _ in sorted(items, key=str))
    parts = []
    if extra:
        parts.append(f"unknown {show(extra)}")
    if lost:
        parts.append(f"lost {show(lost)}")
    if not parts:
        parts.append("a placeholder changed its type or count, or a lone %")
    return f"{msgid!r} -> {msgstr!r}: {'; '.join(parts)}"


def _untranslated(message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return not all(message.string)
    return not message.string


def check_catalog(template: Catalog, language: str, path: Path) -> Problems:
    problems = Problems(language)
    if not path.is_file():
        problems.no_catalog = True
        problems.missing = sorted(_key(m.id) for m in template if m.id)
        return problems
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale=language)
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            problems.fuzzy.append(_key(message.id))
        problem = placeholder_problem(message.id, message.string)
        if problem:
            problems.placeholders.append(problem)
    for message in template:
        if not message.id:
            continue
        here = catalog.get(message.id, context=message.context)
        if here is None:
            if catalog.obsolete.get(message.id if message.context is None
                                    else (message.id, message.context)) is not None:
                problems.obsolete_used.append(_key(message.id))
            else:
                problems.missing.append(_key(message.id))
        elif language != DEFAULT and _untranslated(here):
            problems.missing.append(_key(message.id))
    return problems


def check(languages=None, translations_dir: Path = TRANSLATIONS_DIR,
          template: Catalog | None = None) -> dict[str, Problems]:
    template = template if template is not None else extract()
    return {lang: check_catalog(template, lang,
                                Path(translations_dir) / lang / "LC_MESSAGES" / "messages.po")
            for lang in (languages or LANGUAGES)}


def report(results: dict[str, Problems], limit: int = 15) -> str:
    lines = []
    for lang, p in results.items():
        if p.ok:
            lines.append(f"{lang} ({LANGUAGES.get(lang, lang)}): complete")
            continue
        lines.append(f"{lang} ({LANGUAGES.get(lang, lang)}):"
                     + (" no catalog (run make translations);" if p.no_catalog else "")
                     + f" {len(p.missing)} missing, {len(p.fuzzy)} fuzzy,"
                     f" {len(p.obsolete_used)} obsolete but used,"
                     f" {len(p.placeholders)} with wrong placeholders")
        for title, items in (("missing", p.missing), ("fuzzy", p.fuzzy),
                             ("obsolete but used", p.obsolete_used),
                             ("placeholders", p.placeholders)):
            for item in items[:limit]:
                lines.append(f"  {title}: {item if title == 'placeholders' else repr(item)}")
            if len(items) > limit:
                lines.append(f"  {title}: ... and {len(items) - limit} more")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    languages = [a for a in argv if not a.startswith("-")] or None
    unknown = [lang for lang in languages or () if lang not in LANGUAGES]
    if unknown:
        print(f"Unknown language(s): {', '.join(unknown)}; the languages are "
              f"{', '.join(LANGUAGES)}.", file=sys.stderr)
        return 2
    limit = 10**9 if "--all" in argv else 15
    results = check(languages)
    print(report(results, limit))
    return 0 if all(p.ok for p in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
