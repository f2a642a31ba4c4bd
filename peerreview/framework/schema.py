"""The framework file format: its JSON Schema, the checks a schema cannot express, and the
messages that name the path of every bad element, e.g.
``themes[2].benchmarks[0].key_factors[3].charter_roles[0]: 'mayor' is not one of [...]``.

The format (``format_version`` 1)::

    {"format": "peerreview-framework", "format_version": 1,
     "themes": [{"slug", "name", "description",
       "benchmarks": [{"version", "status": "draft"|"published", "standard", "source_note",
         "key_factors": [{"code", "title", "description", "charter_roles": [...],
                          "guide_questions": ["...?"]}],
         "context_factors": ["..."]}]}]}

``description``, ``source_note`` and ``context_factors`` may be left out; nothing else may be
added (a misspelt key is an error, not silently dropped).

Each theme, benchmark and key factor may carry ``translations`` of its texts, by language
(peerreview/framework/translations.py)::

    theme:      "translations": {"fr": {"name", "description"}}
    benchmark:  "translations": {"fr": {"standard", "context_factors": ["...", ""]}}
    key factor: "translations": {"fr": {"title", "description", "guide_questions": ["...?"]}}

The lists follow the originals' order and length ("" where a text is not translated).
"""

from __future__ import annotations

from jsonschema import Draft202012Validator

from peerreview.domain import DomainError
from peerreview.framework.constants import CHARTER_ROLE_VALUES, normalise_charter_roles
from peerreview.framework.services import CODE_PATTERN, LIMITS, SLUG_PATTERN
from peerreview.framework.translations import ORIGINAL_LANGUAGE, clean
from peerreview.i18n import LANGUAGES, ngettext
from peerreview.i18n import gettext as _

TRANSLATION_LANGUAGES = [lang for lang in LANGUAGES if lang != ORIGINAL_LANGUAGE]

FORMAT = "peerreview-framework"
FORMAT_VERSION = 1
MAX_REPORTED = 20


def _string(limit: str, *, required: bool = True) -> dict:
    schema = {"type": "string", "maxLength": LIMITS[limit]}
    if required:
        schema["pattern"] = r"\S"
    return schema


def _translations(**fields) -> dict:
    return {"type": "object", "propertyNames": {"enum": TRANSLATION_LANGUAGES},
            "additionalProperties": {"type": "object", "additionalProperties": False,
                                     "properties": fields}}


def _texts(limit: str) -> dict:
    return {"type": "array", "items": {"type": "string", "maxLength": LIMITS[limit]}}


_KEY_FACTOR = {
    "type": "object", "additionalProperties": False,
    "required": ["code", "title", "charter_roles", "guide_questions"],
    "properties": {
        "code": {"type": "string", "pattern": CODE_PATTERN, "maxLength": LIMITS["code"]},
        "title": _string("title"),
        "description": _string("description", required=False),
        "charter_roles": {"type": "array", "uniqueItems": True,
                          "items": {"enum": list(CHARTER_ROLE_VALUES)}},
        "guide_questions": {"type": "array", "items": _string("text")},
        "translations": _translations(title=_string("title", required=False),
                                      description=_string("description", required=False),
                                      guide_questions=_texts("text")),
    },
}
_BENCHMARK = {
    "type": "object", "additionalProperties": False,
    "required": ["version", "status", "standard", "key_factors"],
    "properties": {
        "version": {"type": "integer", "minimum": 1},
        "status": {"enum": ["draft", "published"]},
        "standard": _string("standard", required=False),
        "source_note": _string("source_note", required=False),
        "key_factors": {"type": "array", "items": _KEY_FACTOR},
        "context_factors": {"type": "array", "items": _string("text")},
        "translations": _translations(standard=_string("standard", required=False),
                                      context_factors=_texts("text")),
    },
}
_THEME = {
    "type": "object", "additionalProperties": False,
    "required": ["slug", "name", "benchmarks"],
    "properties": {
        "slug": {"type": "string", "pattern": SLUG_PATTERN, "maxLength": LIMITS["slug"]},
        "name": _string("name"),
        "description": _string("description", required=False),
        "benchmarks": {"type": "array", "items": _BENCHMARK},
        "translations": _translations(name=_string("name", required=False),
                                      description=_string("description", required=False)),
    },
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "peerreview benchmark framework",
    "type": "object", "additionalProperties": False,
    "required": ["format", "format_version", "themes"],
    "properties": {
        "format": {"const": FORMAT},
        "format_version": {"const": FORMAT_VERSION},
        "themes": {"type": "array", "items": _THEME},
    },
}
_VALIDATOR = Draft202012Validator(SCHEMA)


class FrameworkFileError(DomainError):
    """A framework file that cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str], source: str = ""):
        self.errors = errors
        shown = errors[:MAX_REPORTED]
        more = len(errors) - len(shown)
        text = "; ".join(shown)
        if more:
            text = _("%(problems)s; and %(more)d more", problems=text, more=more)
        if source:
            message = ngettext("%(source)s: %(num)d problem: %(problems)s",
                               "%(source)s: %(num)d problems: %(problems)s",
                               len(errors), source=source, problems=text)
        else:
            message = ngettext("%(num)d problem: %(problems)s", "%(num)d problems: %(problems)s",
                               len(errors), problems=text)
        super().__init__(message, field="file")


# --- validation -------------------------------------------------------------------------------

def _path(parts) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or _("(top level)")


def _message(error) -> str:
    if error.validator == "pattern":
        if error.validator_value == r"\S":
            return _("must not be empty")
        if error.validator_value == SLUG_PATTERN:
            return _("%(value)s is not a valid short name: use lower-case letters, "
                     "digits and single hyphens", value=repr(error.instance))
        if error.validator_value == CODE_PATTERN:
            return _("%(value)s is not a valid code: use letters, digits, dots, "
                     "hyphens or underscores, for example KF1", value=repr(error.instance))
    return error.message


def _sort_key(error):
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path]


def schema_errors(data: object) -> list[str]:
    # Translators: a problem of a framework file: where in the file, then what is wrong
    return [_("%(where)s: %(problem)s", where=_path(e.absolute_path), problem=_message(e))
            for e in sorted(_VALIDATOR.iter_errors(data), key=_sort_key)]


def semantic_errors(data: dict) -> list[str]:
    """What the schema cannot check. ``data`` has passed the schema."""
    errors = []
    slugs: dict[str, int] = {}
    names: dict[str, int] = {}
    for t, theme in enumerate(data["themes"]):
        where = f"themes[{t}]"
        if theme["slug"] in slugs:
            errors.append(_("%(where)s.slug: %(slug)s is used by themes[%(other)d] too",
                            where=where, slug=repr(theme["slug"]), other=slugs[theme["slug"]]))
        slugs.setdefault(theme["slug"], t)
        name = theme["name"].strip().lower()
        if name in names:
            errors.append(_("%(where)s.name: %(name)s is used by themes[%(other)d] too",
                            where=where, name=repr(theme["name"]), other=names[name]))
        names.setdefault(name, t)
        versions: dict[int, int] = {}
        drafts = []
        for b, bench in enumerate(theme["benchmarks"]):
            bwhere = f"{where}.benchmarks[{b}]"
            version = int(bench["version"])
            if version in versions:
                errors.append(_("%(where)s.version: version %(version)d appears twice (also "
                                "%(theme)s.benchmarks[%(other)d])", where=bwhere, version=version,
                                theme=where, other=versions[version]))
            versions.setdefault(version, b)
            if bench["status"] == "draft":
                drafts.append(b)
            errors += _list_length_errors(f"{bwhere}.translations", bench.get("translations"),
                                          "context_factors", len(bench.get("context_factors", [])))
            codes: dict[str, int] = {}
            for k, kf in enumerate(bench["key_factors"]):
                errors += _list_length_errors(
                    f"{bwhere}.key_factors[{k}].translations", kf.get("translations"),
                    "guide_questions", len(kf["guide_questions"]))
                code = kf["code"].lower()
                if code in codes:
                    errors.append(_("%(where)s.key_factors[%(index)d].code: %(code)s is used by "
                                    "key_factors[%(other)d] too", where=bwhere, index=k,
                                    code=repr(kf["code"]), other=codes[code]))
                codes.setdefault(code, k)
            if bench["status"] == "published":
                errors += _publication_errors(bwhere, bench)
        if len(drafts) > 1:
            errors.append(_("%(theme)s.benchmarks[%(index)d].status: a theme has at most one "
                            "draft, and %(theme)s.benchmarks[%(other)d] is a draft too",
                            theme=where, index=drafts[1], other=drafts[0]))
        elif drafts and versions:
            draft_version = int(theme["benchmarks"][drafts[0]]["version"])
            if draft_version < max(versions):
                errors.append(_("%(theme)s.benchmarks[%(index)d].status: a draft must be the "
                                "theme's highest version, but version %(version)d is higher",
                                theme=where, index=drafts[0], version=max(versions)))
    return errors


def _list_length_errors(where: str, translations: dict | None, key: str, count: int) -> list[str]:
    errors = []
    for lang, entry in sorted((translations or {}).items()):
        texts = entry.get(key)
        if texts is not None and len(texts) != count:
            errors.append(f"{where}.{lang}.{key}: {len(texts)} translation(s) for {count} "
                          f"original(s); give one per original, \"\" where there is none")
    return errors


def _tr(data: dict, fields: tuple[str, ...], lists: tuple[str, ...] = ()) -> dict:
    """Translations as stored: blanks dropped, lists kept whole while any item is written."""
    out = clean(data.get("translations"), fields, LANGUAGES)
    for lang, entry in sorted((data.get("translations") or {}).items()):
        for key in lists:
            texts = [t.strip() for t in entry.get(key) or []]
            if any(texts):
                out.setdefault(lang, {})[key] = texts
    return {lang: out[lang] for lang in sorted(out)}


def _with_tr(item: dict, translations: dict) -> dict:
    if translations:
        item["translations"] = translations
    return item


def _publication_errors(where: str, bench: dict) -> list[str]:
    errors = []
    if not bench["standard"].strip():
        errors.append(_("%(where)s.standard: a published benchmark needs its standard",
                        where=where))
    if not bench["key_factors"]:
        errors.append(_("%(where)s.key_factors: a published benchmark needs at least one key factor",
                        where=where))
    for k, kf in enumerate(bench["key_factors"]):
        if not kf["charter_roles"]:
            errors.append(_("%(where)s.key_factors[%(index)d].charter_roles: a published key factor "
                            "needs at least one Charter role", where=where, index=k))
        if not kf["guide_questions"]:
            errors.append(_("%(where)s.key_factors[%(index)d].guide_questions: a published key "
                            "factor needs at least one guide question", where=where, index=k))
    return errors


def normalise(data: dict) -> dict:
    """The file's content as the database would store it (blanks stripped, roles ordered)."""
    themes = []
    for theme in data["themes"]:
        themes.append(_with_tr({
            "slug": theme["slug"], "name": theme["name"].strip(),
            "description": (theme.get("description") or "").strip(),
            "benchmarks": [_with_tr({
                "version": int(b["version"]), "status": b["status"],
                "standard": b["standard"].strip(),
                "source_note": (b.get("source_note") or "").strip(),
                "key_factors": [_with_tr({
                    "code": kf["code"], "title": kf["title"].strip(),
                    "description": (kf.get("description") or "").strip(),
                    "charter_roles": normalise_charter_roles(kf["charter_roles"]),
                    "guide_questions": [q.strip() for q in kf["guide_questions"]],
                }, _tr(kf, ("title", "description"), ("guide_questions",)))
                    for kf in b["key_factors"]],
                "context_factors": [c.strip() for c in b.get("context_factors", [])],
            }, _tr(b, ("standard",), ("context_factors",))) for b in theme["benchmarks"]],
        }, _tr(theme, ("name", "description"))))
    return {"format": data["format"], "format_version": data["format_version"],
            "themes": themes}


def validate(data: object, source: str = "") -> dict:
    """The normalised content of a valid file, or FrameworkFileError listing every problem."""
    errors = schema_errors(data)
    if not errors:
        errors = semantic_errors(data)
    if errors:
        raise FrameworkFileError(errors, source)
    assert isinstance(data, dict)
    return normalise(data)
