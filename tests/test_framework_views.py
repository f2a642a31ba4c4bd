"""Benchmark framework pages, through the real app: reading, drafts, editing, import/export."""

from __future__ import annotations

import html as htmlib
import io as stdio
import json
import re

import pytest
import yaml
from sqlalchemy import func, select

from peerreview.extensions import db
from peerreview.framework import io, services
from peerreview.framework.models import Benchmark, GuideQuestion, KeyFactor, Theme
from tests.access_framework import sample_benchmark, sample_file, sample_theme


@pytest.fixture
def framework(db_session):
    """A theme with versions 1 (superseded) and 2 (current) published and a draft version 3."""
    draft = sample_benchmark(3, "draft")
    draft["standard"] = "The secret draft standard."
    draft["key_factors"].append({"code": "KF7", "title": "Draft-only factor", "description": "",
                                 "charter_roles": [], "guide_questions": []})
    second = sample_benchmark(2)
    second["key_factors"][0]["title"] = "Renamed in version 2"
    io.import_framework(sample_file(sample_theme("anti-discrimination", sample_benchmark(1),
                                                 second, draft)))
    db_session.commit()
    theme = services.find_theme("anti-discrimination")
    return {"theme": theme, **{f"v{b.version}": b for b in theme.benchmarks}}


@pytest.fixture
def coordinator(make_user):
    return make_user("Sam Secretariat", coordinator=True)


@pytest.fixture
def reader(make_user, make_city):
    return make_user("Rita Reader", city=make_city("Ghent", "BE"))


def _html(res) -> str:
    return res.get_data(as_text=True)


def _error_next_to(html: str, field_id: str) -> str:
    match = re.search(rf'<(p|div) class="error" id="{re.escape(field_id)}-error">(.*?)</\1>',
                      html, re.S)
    assert match, f"no error shown next to {field_id}"
    return htmlib.unescape(re.sub(r"<[^>]+>", "", match.group(2)))


# --- reading -------------------------------------------------------------------------------

def test_reader_sees_published_versions_only(client, login, reader, framework):
    login(reader)
    html = _html(client.get("/framework/"))
    assert "Anti discrimination" in html and "Version 2" in html and "Version 1" in html
    assert "Version 3" not in html and "Continue draft" not in html
    assert "New theme" not in html and "Import a file" not in html
    page = client.get(f"/framework/benchmarks/{framework['v2'].id}")
    assert page.status_code == 200
    html = _html(page)
    assert "Standard, version 2." in html
    assert "Renamed in version 2" in html and "Question 1.2?" in html
    assert "Policy-maker" in html and "Employer" in html
    assert "National law decides." in html
    assert "Edit as a new version" not in html and "Publish version" not in html
    old = _html(client.get(f"/framework/benchmarks/{framework['v1'].id}"))
    assert "Superseded by" in old and "superseded" in old


def test_drafts_are_hidden_from_everyone_but_coordinators(client, login, reader, framework):
    login(reader)
    assert client.get(f"/framework/benchmarks/{framework['v3'].id}").status_code == 404
    theme_id = framework["theme"].id
    assert client.get(f"/framework/themes/{theme_id}/compare?from=2&to=3").status_code == 404
    assert "secret draft" not in _html(client.get("/framework/"))
    assert client.get(f"/framework/benchmarks/{framework['v3'].id}/edit").status_code == 403


def test_coordinator_sees_the_draft_with_its_editing_controls(client, login, coordinator,
                                                              framework):
    login(coordinator)
    html = _html(client.get("/framework/"))
    assert "Continue draft v3" in html and "New theme" in html
    html = _html(client.get(f"/framework/benchmarks/{framework['v3'].id}"))
    assert "The secret draft standard." in html
    assert "Before it can be published" in html
    assert "Link KF7 to at least one Charter role." in html
    assert "Publish version 3" in html and "Move up" in html and "Remove KF1" in html


def test_compare_page_lists_changes_per_key_factor(client, login, reader, framework):
    login(reader)
    theme_id = framework["theme"].id
    html = _html(client.get(f"/framework/themes/{theme_id}/compare?from=1&to=2"))
    assert "Key factors: 0 added, 0 removed, 1 changed, 1 unchanged." in html
    assert "<del>Factor 1</del> <ins>Renamed in version 2</ins>" in html
    # default: the two newest versions the person may see
    html = _html(client.get(f"/framework/themes/{theme_id}/compare"))
    assert "version 1 and version 2" in html


def test_pages_render_on_an_empty_framework(client, login, coordinator, reader):
    login(coordinator)
    assert "Create the first theme" in _html(client.get("/framework/"))
    login(reader)
    assert "No themes yet." in _html(client.get("/framework/"))


def test_index_query_count_does_not_grow_with_the_data(client, login, coordinator, db_session):
    from sqlalchemy import event

    def count_queries(n_themes):
        data = sample_file(*[sample_theme(f"theme-{n_themes}-{i}", sample_benchmark(1),
                                          sample_benchmark(2, "draft"))
                             for i in range(n_themes)])
        io.import_framework(data)
        db_session.commit()
        statements = []
        engine = db.engine
        listener = lambda *a, **k: statements.append(a[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/framework/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    login(coordinator)
    small = count_queries(1)
    assert count_queries(10) == small


# --- a coordinator's journey -----------------------------------------------------------------

def test_coordinator_builds_and_publishes_a_benchmark(client, login, coordinator, db_session):
    login(coordinator)
    # bad input gets a message next to the field and changes nothing
    res = client.post("/framework/themes/new", data={"name": "Language courses",
                                                     "slug": "Language Courses"})
    assert res.status_code == 200
    assert "lower-case letters" in _error_next_to(_html(res), "slug")
    assert db_session.scalar(select(func.count(Theme.id))) == 0

    res = client.post("/framework/themes/new", data={"name": "Language courses",
                                                     "slug": "language-courses",
                                                     "description": "Courses."})
    assert res.status_code == 302
    theme = services.find_theme("language-courses")
    res = client.post("/framework/themes/new", data={"name": "language COURSES",
                                                     "slug": "other"})
    assert "already exists" in _error_next_to(_html(res), "name")

    res = client.post(f"/framework/themes/{theme.id}/drafts")
    draft = theme.draft
    assert res.status_code == 302 and res.headers["Location"].endswith(
        f"/framework/benchmarks/{draft.id}")

    res = client.post(f"/framework/benchmarks/{draft.id}/edit",
                      data={"standard": "Everyone can learn the language.", "source_note": ""})
    assert res.status_code == 302

    url = f"/framework/benchmarks/{draft.id}/key-factors/new"
    res = client.post(url, data={"title": "", "charter_roles": ["service_provider"]})
    assert "Give the key factor's title." in _error_next_to(_html(res), "title")
    res = client.post(url, data={"code": "KF 1", "title": "Free courses"})
    assert "letters, digits" in _error_next_to(_html(res), "code")
    res = client.post(url, data={"title": "Free courses", "charter_roles": ["service_provider"]})
    kf = db_session.scalar(select(KeyFactor).where(KeyFactor.benchmark_id == draft.id))
    assert res.headers["Location"].endswith(f"/framework/key-factors/{kf.id}/edit")
    client.post(url, data={"title": "Enough places", "code": "KF1",
                           "charter_roles": ["policy_maker"]})
    assert db_session.scalar(select(func.count(KeyFactor.id))) == 1  # duplicate code refused

    # publishing an incomplete draft is refused with the reason
    res = client.post(f"/framework/benchmarks/{draft.id}/publish", follow_redirects=True)
    assert "cannot be published yet: give KF1 at least one guide question" in _html(res)

    res = client.post(f"/framework/key-factors/{kf.id}/questions", data={"q-text": "  "})
    assert "Write the question." in _error_next_to(_html(res), "q-text")
    for text in ("Are the courses free?", "Is there childcare?", "Who teaches?"):
        client.post(f"/framework/key-factors/{kf.id}/questions", data={"q-text": text})
    last = db_session.scalars(select(GuideQuestion).order_by(GuideQuestion.id)).all()[-1]
    client.post(f"/framework/questions/{last.id}/move/up")
    client.post(f"/framework/benchmarks/{draft.id}/context-factors",
                data={"cf-text": "National law sets the level."})
    db_session.expire_all()
    assert [q.text for q in kf.guide_questions] == ["Are the courses free?", "Who teaches?",
                                                    "Is there childcare?"]

    res = client.post(f"/framework/benchmarks/{draft.id}/publish", follow_redirects=True)
    assert "is published and is now the current benchmark" in _html(res)
    db_session.expire_all()
    assert theme.current_benchmark.id == draft.id

    # editing the published version creates a new draft; the published one is untouched
    res = client.post(f"/framework/themes/{theme.id}/drafts", data={"based_on": draft.id})
    db_session.expire_all()
    second = theme.draft
    assert second.version == 2 and [k.title for k in second.key_factors] == ["Free courses"]
    res = client.post(f"/framework/themes/{theme.id}/drafts", follow_redirects=True)
    assert "already has a draft (version 2)" in _html(res)
    res = client.get(f"/framework/benchmarks/{draft.id}/edit", follow_redirects=True)
    assert "is published and cannot be changed" in _html(res)
    res = client.post(f"/framework/key-factors/{kf.id}/delete", follow_redirects=True)
    assert "is published and cannot be changed" in _html(res)
    db_session.expire_all()
    assert db_session.get(KeyFactor, kf.id) is not None

    second_id = second.id
    res = client.post(f"/framework/benchmarks/{second_id}/delete")
    assert res.status_code == 302
    db_session.expunge_all()
    assert db_session.get(Benchmark, second_id) is None


def test_key_factor_edit_page_shows_questions_and_reorders(client, login, coordinator,
                                                           framework, db_session):
    login(coordinator)
    draft = framework["v3"]
    kf1, kf2 = draft.key_factors[0], draft.key_factors[1]
    html = _html(client.get(f"/framework/key-factors/{kf1.id}/edit"))
    assert "Question 1.1?" in html and "Add the question" in html
    res = client.post(f"/framework/key-factors/{kf1.id}/edit",
                      data={"code": "KF1", "title": "Retitled", "description": "",
                            "charter_roles": ["buyer", "employer"]})
    assert res.status_code == 302
    client.post(f"/framework/key-factors/{kf2.id}/move/up")
    db_session.expire_all()
    assert [k.code for k in draft.key_factors] == ["KF2", "KF1", "KF7"]
    assert kf1.title == "Retitled" and kf1.charter_roles == ["employer", "buyer"]
    res = client.post(f"/framework/key-factors/{kf1.id}/edit",
                      data={"code": "KF2", "title": "Clash", "charter_roles": ["buyer"]})
    assert "already has a key factor KF2" in _error_next_to(_html(res), "code")


# --- import and export -----------------------------------------------------------------------

def test_export_downloads(client, login, coordinator, framework):
    login(coordinator)
    res = client.get("/framework/export")
    assert res.headers["Content-Disposition"].startswith("attachment; filename=peerreview-")
    data = json.loads(res.data)
    assert [b["version"] for b in data["themes"][0]["benchmarks"]] == [1, 2, 3]
    res = client.get("/framework/export?format=yaml&published_only=y")
    assert res.mimetype == "application/yaml"
    data = yaml.safe_load(res.data)
    assert [b["version"] for b in data["themes"][0]["benchmarks"]] == [1, 2]


def test_import_upload_reports_every_problem_and_changes_nothing(client, login, coordinator,
                                                                 db_session):
    login(coordinator)
    assert client.get("/framework/import").status_code == 200
    data = sample_file(sample_theme("a"), sample_theme("b"))
    data["themes"][1]["benchmarks"][0]["key_factors"][1]["charter_roles"] = ["mayor"]
    res = client.post("/framework/import", data={
        "file": (stdio.BytesIO(json.dumps(data).encode()), "bad.json")})
    assert res.status_code == 200
    error = _error_next_to(_html(res), "file")
    assert "bad.json: nothing was imported" in error
    assert "themes[1].benchmarks[0].key_factors[1].charter_roles[0]: 'mayor' is not one of" \
        in error
    assert db_session.scalar(select(func.count(Theme.id))) == 0

    res = client.post("/framework/import", data={})
    assert "Choose a file." in _error_next_to(_html(res), "file")
    res = client.post("/framework/import", data={
        "file": (stdio.BytesIO(b"x"), "framework.txt")})
    assert "use a file name ending in" in _error_next_to(_html(res), "file")

    good = yaml.safe_dump(sample_file(sample_theme("a"), sample_theme("b")))
    res = client.post("/framework/import", data={
        "file": (stdio.BytesIO(good.encode()), "good.yaml")}, follow_redirects=True)
    assert "Imported: 2 themes created, 2 benchmark versions created" in _html(res)
    res = client.post("/framework/import", data={
        "file": (stdio.BytesIO(good.encode()), "good.yaml")}, follow_redirects=True)
    assert "Nothing to import" in _html(res)
