"""The translation catalogs: every text of the code and templates is translated into every
language, nothing is left fuzzy, and no translation breaks a placeholder.

``test_catalog_is_complete`` fails until the translators have filled the catalogs (run
``python -m peerreview.i18n_check`` to see what is missing per language).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from peerreview.i18n import LANGUAGES
from peerreview.i18n_check import check, check_catalog, extract, main, placeholder_problem


@pytest.fixture(scope="module")
def template() -> Catalog:
    return extract()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_catalog_is_complete(template, language):
    from peerreview.i18n_check import report

    results = check([language], template=template)
    assert results[language].ok, "\n" + report(results, limit=40)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_translations_keep_their_placeholders(template, language):
    problems = check([language], template=template)[language].placeholders
    assert not problems, "\n".join(problems)


def test_the_extraction_finds_texts_of_code_and_templates(template):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in template}
    # one text from Python, wrapped by the framework's translation mark
    assert "Not translated yet: shown in the original language" in ids


def _po(tmp_path: Path, language: str, build) -> Path:
    catalog = Catalog(locale=language)
    build(catalog)
    path = tmp_path / language / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with open(path, "wb") as fh:
        write_po(fh, catalog)
    return path


def test_the_check_names_missing_fuzzy_obsolete_and_broken_translations(tmp_path):
    template = Catalog()
    for text in ("Save", "Cancel", "Delete %(name)s", "Open", "Later"):
        template.add(text)
    template.add(("%(num)d review", "%(num)d reviews"))

    def build(catalog):
        catalog.add("Save", "Enregistrer")
        catalog.add("Cancel", "Annuler", flags=["fuzzy"])
        catalog.add("Delete %(name)s", "Supprimer %(nom)s")          # a translator's typo
        catalog.add("Open", "")                                      # not translated
        catalog.obsolete["Later"] = catalog.add("Later", "Plus tard")
        del catalog["Later"]
        # French has three plural forms (the third for millions: "de examens")
        catalog.add(("%(num)d review", "%(num)d reviews"),
                    ("%(num)d examen", "%(num)d examens", "%(num)d d’examens"))

    path = _po(tmp_path, "fr", build)
    problems = check_catalog(template, "fr", path)
    assert not problems.ok
    assert problems.missing == ["Open"]
    assert problems.fuzzy == ["Cancel"]
    assert problems.obsolete_used == ["Later"]
    assert len(problems.placeholders) == 1 and "%(nom)s" in problems.placeholders[0]


def test_a_missing_catalog_is_reported(tmp_path):
    template = Catalog()
    template.add("Save")
    results = check(["pl"], translations_dir=tmp_path, template=template)
    assert results["pl"].no_catalog and results["pl"].missing == ["Save"]


@pytest.mark.parametrize("msgid, msgstr, broken", [
    ("Delete %(name)s", "Supprimer %(name)s", False),
    ("Delete %(name)s", "%(name)s löschen", False),
    ("Delete %(name)s", "Supprimer", True),                      # lost
    ("Delete %(name)s", "Supprimer %(name)d", True),             # another type
    ("Delete %(name)s", "Supprimer %(name)s à 100 %", True),     # a lone % fails at run time
    ("100%% done", "100%% terminé", False),
    (("%(num)d day", "%(num)d days"), ("jeden dzień", "%(num)d dni", "%(num)d dni"), False),
    (("%(num)d day in %(city)s", "%(num)d days in %(city)s"), ("%(num)d dzień", "%(num)d dni"), True),
])
def test_placeholder_problems(msgid, msgstr, broken):
    assert (placeholder_problem(msgid, msgstr) is not None) is broken


def test_the_check_runs_as_a_script(capsys):
    status = main(["fr"])
    out = capsys.readouterr().out
    assert out.startswith("fr (Français):")
    assert status in (0, 1) and (status == 0) == ("complete" in out.splitlines()[0])
    assert main(["xx"]) == 2
