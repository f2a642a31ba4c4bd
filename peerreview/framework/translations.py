"""Benchmark texts in several languages.

Themes, benchmarks (the standard), key factors, guide questions and context factors keep their
original text in their own columns and their translations beside it, in one JSON column per
row: ``{"fr": {"title": "...", "description": "..."}, "nl": {...}}``.

Why a JSON column and not a table of translations: a translation is always read together with
its row (no extra query, no join, nothing that can grow into N+1 queries on the pages that list
forty guide questions), it is copied with its row when a draft is made from a published version,
and it is exported and imported as part of the same object. A separate table would need either
one table per kind of text or a polymorphic key that the database cannot check.

The originals are written in ``ORIGINAL_LANGUAGE`` (the network's working language, English).
A reader sees the text in the language of the page (or of the report); where a translation is
missing the original is shown, in a span that names its language and carries a visible mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

ORIGINAL_LANGUAGE = "en"


class Translatable:
    """Mixin of the framework models; each lists its translated fields in ``TRANSLATED``."""

    TRANSLATED: tuple[str, ...] = ()

    def translation(self, lang: str, field: str) -> str:
        """The translation of ``field`` into ``lang``, "" when there is none."""
        if lang == ORIGINAL_LANGUAGE:
            return getattr(self, field) or ""
        return ((self.translations or {}).get(lang) or {}).get(field, "") or ""

    def set_translation(self, lang: str, field: str, value: str) -> bool:
        """Store (or, with a blank value, remove) one translation; True if it changed."""
        if field not in self.TRANSLATED or lang == ORIGINAL_LANGUAGE:
            raise ValueError(f"{type(self).__name__}.{field} cannot be translated into {lang}")
        value = (value or "").strip()
        if value == self.translation(lang, field):
            return False
        # a new dict, so that SQLAlchemy sees the JSON column change
        data = {k: dict(v) for k, v in (self.translations or {}).items()}
        entry = data.setdefault(lang, {})
        if value:
            entry[field] = value
        else:
            entry.pop(field, None)
            if not entry:
                data.pop(lang)
        self.translations = data
        return True

    def shown(self, field: str, lang: str | None = None) -> Shown:
        from peerreview.i18n import current_language

        lang = lang or current_language()
        original = getattr(self, field) or ""
        if lang == ORIGINAL_LANGUAGE or not original:
            return Shown(original, ORIGINAL_LANGUAGE, False)
        text = self.translation(lang, field)
        if text:
            return Shown(text, lang, False)
        return Shown(original, ORIGINAL_LANGUAGE, True)

    def missing_fields(self, lang: str) -> list[str]:
        """The fields with an original text but no translation into ``lang``."""
        return [f for f in self.TRANSLATED if (getattr(self, f) or "").strip()
                and not self.translation(lang, f)]


@dataclass(frozen=True)
class Shown:
    text: str
    lang: str
    fallback: bool

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        return str(marked(self))


def marked(shown: Shown) -> Markup:
    """The text for a page or a PDF: a missing translation shows the original, marked."""
    if not shown.fallback:
        return escape(shown.text)
    return _in_original(shown.text, shown.lang)


def _in_original(text: str, lang: str) -> Markup:
    from peerreview.i18n import catalog

    # the mark is the same for every text of a page: made once per reader's language
    note = catalog().gettext("Not translated yet: shown in the original language")
    return Markup(f'<span lang="{escape(lang)}">{escape(text)}</span> {_mark(note, lang)}')


@lru_cache(maxsize=256)
def _mark(note: str, lang: str) -> str:
    return f'<abbr class="untranslated" title="{escape(note)}">{escape(lang.upper())}</abbr>'


# bt_text() and bt() are called for every benchmark text a page shows (forty guide questions,
# each key factor's title): they find the text without building a Shown for it.

def text_of(obj, field: str, lang: str | None = None) -> str:
    """The plain text in the reader's language, the original where no translation exists
    (for attributes, titles and sorting)."""
    if obj is None:
        return ""
    if lang is None:
        from peerreview.i18n import current_language

        lang = current_language()
    original = getattr(obj, field) or ""
    if lang == ORIGINAL_LANGUAGE or not original:
        return original
    return obj.translation(lang, field) or original


def html_of(obj, field: str, lang: str | None = None) -> Markup:
    """The text in the reader's language, with the mark where the original stands in."""
    if obj is None:
        return Markup("")
    if lang is None:
        from peerreview.i18n import current_language

        lang = current_language()
    original = getattr(obj, field) or ""
    if lang == ORIGINAL_LANGUAGE or not original:
        return escape(original)
    text = obj.translation(lang, field)
    if text:
        return escape(text)
    return _in_original(original, ORIGINAL_LANGUAGE)


def benchmark_parts(benchmark) -> list[tuple[str, object]]:
    """(label, object) of every translatable text of a benchmark and its theme, in reading
    order; the label names the text for the editor ("KF2 guide question 3")."""
    parts: list[tuple[str, object]] = [("theme", benchmark.theme), ("standard", benchmark)]
    for kf in benchmark.key_factors:
        parts.append((kf.code, kf))
        for n, q in enumerate(kf.guide_questions, 1):
            parts.append((f"{kf.code}.{n}", q))
    for n, c in enumerate(benchmark.context_factors, 1):
        parts.append((f"C{n}", c))
    return parts


def missing_by_language(benchmark, languages) -> dict[str, int]:
    """How many texts of the benchmark have no translation, for each language."""
    parts = benchmark_parts(benchmark)
    return {lang: sum(len(obj.missing_fields(lang)) for _, obj in parts)
            for lang in languages if lang != ORIGINAL_LANGUAGE}


def total_texts(benchmark) -> int:
    return sum(1 for _, obj in benchmark_parts(benchmark) for f in obj.TRANSLATED
               if (getattr(obj, f) or "").strip())


def clean(data: dict | None, fields: tuple[str, ...], languages) -> dict:
    """Translations as stored: only known languages and fields, blanks dropped, stripped."""
    out = {}
    for lang, entry in sorted((data or {}).items()):
        if lang not in languages or lang == ORIGINAL_LANGUAGE or not isinstance(entry, dict):
            continue
        kept = {f: entry[f].strip() for f in fields
                if isinstance(entry.get(f), str) and entry[f].strip()}
        if kept:
            out[lang] = kept
    return out


# --- the file format (peerreview/framework/schema.py) -------------------------------------------
# Translations travel beside the originals: a theme's and a key factor's as stored; the guide
# questions' inside their key factor's and the context factors' inside their benchmark's, as
# lists parallel to the originals ("" where one is missing).

def _lists_out(items, lang: str) -> list[str] | None:
    texts = [item.translation(lang, "text") for item in items]
    return texts if any(texts) else None


def _languages_of(*objects) -> list[str]:
    return sorted({lang for obj in objects for lang in (obj.translations or {})})


def theme_to_dict(theme) -> dict:
    return {lang: dict(entry) for lang, entry in sorted((theme.translations or {}).items())}


def key_factor_to_dict(kf) -> dict:
    out = {}
    for lang in _languages_of(kf, *kf.guide_questions):
        entry = dict((kf.translations or {}).get(lang) or {})
        questions = _lists_out(kf.guide_questions, lang)
        if questions:
            entry["guide_questions"] = questions
        if entry:
            out[lang] = entry
    return out


def benchmark_to_dict(benchmark) -> dict:
    out = {}
    for lang in _languages_of(benchmark, *benchmark.context_factors):
        entry = dict((benchmark.translations or {}).get(lang) or {})
        factors = _lists_out(benchmark.context_factors, lang)
        if factors:
            entry["context_factors"] = factors
        if entry:
            out[lang] = entry
    return out


def _apply(obj, data: dict, fields) -> bool:
    changed = False
    langs = set(data) | set(obj.translations or {})
    for lang in sorted(langs):
        for f in fields:
            changed |= obj.set_translation(lang, f, ((data.get(lang) or {}).get(f)) or "")
    return changed


def _apply_list(items, data: dict, key: str) -> bool:
    changed = False
    langs = set(data) | {lang for item in items for lang in (item.translations or {})}
    for lang in sorted(langs):
        texts = (data.get(lang) or {}).get(key) or []
        for n, item in enumerate(items):
            changed |= item.set_translation(lang, "text", texts[n] if n < len(texts) else "")
    return changed


def apply_theme(theme, data: dict | None) -> bool:
    return _apply(theme, data or {}, theme.TRANSLATED)


def apply_key_factor(kf, data: dict | None) -> bool:
    data = data or {}
    return _apply(kf, data, kf.TRANSLATED) | _apply_list(kf.guide_questions, data, "guide_questions")


def apply_benchmark(benchmark, bench: dict) -> bool:
    """Set the translations of a benchmark's texts from its file form (``bench``, whose key
    factors are in the benchmark's order); True if any changed."""
    data = bench.get("translations") or {}
    changed = _apply(benchmark, data, benchmark.TRANSLATED)
    changed |= _apply_list(benchmark.context_factors, data, "context_factors")
    for kf, kf_data in zip(benchmark.key_factors, bench.get("key_factors", []), strict=False):
        changed |= apply_key_factor(kf, kf_data.get("translations"))
    return changed


def without_translations(data):
    """A benchmark dict (file format) without its translations: what "the same content" means."""
    if isinstance(data, dict):
        return {k: without_translations(v) for k, v in data.items() if k != "translations"}
    if isinstance(data, list):
        return [without_translations(v) for v in data]
    return data
