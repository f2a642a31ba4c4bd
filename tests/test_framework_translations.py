"""Benchmark texts in several languages: shown in the reader's language, the original marked
where a translation is missing; the editor lists what is missing per language; files carry
the translations both ways."""

from __future__ import annotations

import copy
import re

import pytest
from sqlalchemy import select

from peerreview.audit.models import AuditEntry
from peerreview.extensions import db
from peerreview.framework import io
from peerreview.framework.models import Benchmark, Theme
from peerreview.framework.schema import FrameworkFileError
from tests.access_framework import sample_benchmark, sample_file, sample_theme


def _translated_file():
    bench = sample_benchmark(1, "published", factors=2)
    bench["translations"] = {"fr": {"standard": "Norme, version 1.",
                                    "context_factors": ["La loi nationale décide.", ""]}}
    bench["key_factors"][0]["translations"] = {
        "fr": {"title": "Facteur 1", "guide_questions": ["Question 1.1 ?", "Question 1.2 ?"]}}
    theme = sample_theme("anti-discrimination", bench)
    theme["translations"] = {"fr": {"name": "Lutte contre les discriminations"}}
    return sample_file(theme)


def _load(db_session):
    io.import_framework(_translated_file(), source="test")
    db_session.commit()
    return db_session.scalar(select(Benchmark))


def test_a_file_carries_translations_in_and_out(db_session):
    bench = _load(db_session)
    kf1, kf2 = bench.key_factors
    assert kf1.translation("fr", "title") == "Facteur 1"
    assert kf1.guide_questions[1].translation("fr", "text") == "Question 1.2 ?"
    assert bench.context_factors[1].translation("fr", "text") == ""
    assert kf2.missing_fields("fr") == ["title", "description"]
    exported = io.export_framework()
    assert exported["themes"][0]["translations"] == {"fr": {"name": "Lutte contre les discriminations"}}
    assert exported["themes"][0]["benchmarks"][0] == io.validate(_translated_file())["themes"][0]["benchmarks"][0]
    # the same file again changes nothing
    assert not io.import_framework(_translated_file()).changed


def test_a_file_adds_translations_to_a_published_version(db_session):
    bench = _load(db_session)
    data = _translated_file()
    data["themes"][0]["benchmarks"][0]["key_factors"][1]["translations"] = {
        "nl": {"title": "Factor 2 (nl)"}}
    result = io.import_framework(data, source="more.json")
    db_session.commit()
    assert result.benchmarks_translated == ["anti-discrimination version 1"]
    assert "translations of 1 benchmark version(s) updated" in result.summary()
    db_session.expire_all()
    assert db_session.get(Benchmark, bench.id).key_factors[1].translation("nl", "title") == "Factor 2 (nl)"
    assert db_session.scalar(select(AuditEntry).where(AuditEntry.action == "benchmark.translations"))
    # but its content still never changes
    data["themes"][0]["benchmarks"][0]["standard"] = "Another standard."
    with pytest.raises(FrameworkFileError, match="already published"):
        io.import_framework(data)


@pytest.mark.parametrize("change, message", [
    (lambda b: b["translations"]["fr"].update(context_factors=["Un seul."]),
     "benchmarks[0].translations.fr.context_factors: 1 translation(s) for 2 original(s)"),
    (lambda b: b["translations"].update(xx={"standard": "?"}), "'xx' is not one of"),
    (lambda b: b["translations"].update(en={"standard": "?"}), "'en' is not one of"),
    (lambda b: b["translations"]["fr"].update(titel="?"), "Additional properties"),
])
def test_bad_translations_in_a_file_are_named(db_session, change, message):
    data = copy.deepcopy(_translated_file())
    change(data["themes"][0]["benchmarks"][0])
    with pytest.raises(FrameworkFileError) as err:
        io.import_framework(data)
    assert message in str(err.value)
    assert db_session.scalar(select(Theme)) is None


def test_readers_see_their_language_and_a_marked_original_where_it_is_missing(
        app, client, make_user, login, db_session):
    bench = _load(db_session)
    login(make_user(city=None))
    page = client.get(f"/framework/benchmarks/{bench.id}?lang=fr").get_data(as_text=True)
    assert "<h1>Lutte contre les discriminations" in page
    assert "Facteur 1" in page and "Question 1.2 ?" in page
    # KF2 has no French title: the English one, in a span that says so, with the mark
    assert re.search(r'<span lang="en">Factor 2</span> <abbr class="untranslated" title="[^"]+">EN</abbr>', page)
    english = client.get(f"/framework/benchmarks/{bench.id}?lang=en").get_data(as_text=True)
    assert "Facteur 1" not in english and 'class="untranslated"' not in english


def test_the_editor_lists_what_is_missing_and_saves_translations(client, make_user, login, db_session):
    bench = _load(db_session)
    login(make_user(coordinator=True, city=None))
    page = client.get(f"/framework/benchmarks/{bench.id}").get_data(as_text=True)
    total = 2 + 1 + 2 * (2 + 2) + 2  # theme name+description, standard, 2 KFs, 2 context factors
    rows = dict(re.findall(r'<th scope="row" lang="(\w+)">[^<]+</th>\s*<td>([^<]+)</td>', page))
    assert rows["fr"] == f"{total - 6} of {total} texts"  # name, standard, 1 context, KF1 title, 2 questions
    assert rows["el"] == f"{total} of {total} texts"
    form = client.get(f"/framework/benchmarks/{bench.id}/translations/el").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    name = re.search(r'<label for="(t\d+_standard)"', form).group(1)
    response = client.post(f"/framework/benchmarks/{bench.id}/translations/el",
                           data={"csrf_token": token, name: "Πρότυπο, έκδοση 1."})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Benchmark, bench.id).translation("el", "standard") == "Πρότυπο, έκδοση 1."
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "benchmark.translations"))
    assert entry.changes == {"language": "el", "version": 1, "texts": ["standard standard"]}
    # a text too long is refused with a message, and nothing is saved
    response = client.post(f"/framework/benchmarks/{bench.id}/translations/el",
                           data={"csrf_token": token, name: "x" * 10_001})
    assert "Shorten this text" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Benchmark, bench.id).translation("el", "standard") == "Πρότυπο, έκδοση 1."


def test_a_new_draft_keeps_the_translations(db_session):
    from peerreview.framework import services

    bench = _load(db_session)
    draft = services.new_draft(bench.theme)
    db.session.commit()
    assert draft.key_factors[0].translation("fr", "title") == "Facteur 1"
    assert draft.translation("fr", "standard") == "Norme, version 1."


def test_the_shipped_framework_is_complete_in_french(db_session):
    from peerreview.framework.translations import missing_by_language, total_texts

    io.import_framework(io.load_default(), source="default")
    db_session.commit()
    benchmarks = db_session.scalars(select(Benchmark)).all()
    assert len(benchmarks) >= 7
    for bench in benchmarks:
        assert missing_by_language(bench, ["fr"]) == {"fr": 0}, bench.theme.slug
        assert missing_by_language(bench, ["de"]) == {"de": total_texts(bench)}
    theme = db_session.scalar(select(Theme).where(Theme.slug == "anti-discrimination"))
    assert theme.translation("fr", "name") == "Lutte contre les discriminations"
