"""Benchmark framework files: validation with paths, all-or-nothing import, idempotence,
exact round trips, the command line and the default framework."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from peerreview.audit.models import AuditEntry
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.framework import io, services
from peerreview.framework.models import Benchmark, ContextFactor, GuideQuestion, KeyFactor, Theme
from peerreview.framework.schema import FrameworkFileError, validate
from tests.access_framework import sample_benchmark, sample_file, sample_theme

ROLES_TEXT = "['policy_maker', 'service_provider', 'employer', 'buyer']"


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (Theme, Benchmark, KeyFactor, GuideQuestion, ContextFactor))


def _three_themes():
    return sample_file(
        sample_theme("anti-discrimination", sample_benchmark(1), sample_benchmark(2)),
        sample_theme("language-courses"),
        sample_theme("cultural-diversity", sample_benchmark(1, factors=4)))


def _problems(data) -> list[str]:
    with pytest.raises(FrameworkFileError) as exc:
        validate(data)
    return exc.value.errors


# --- validation --------------------------------------------------------------------------------

def test_a_bad_charter_role_is_reported_with_its_path():
    data = _three_themes()
    data["themes"][2]["benchmarks"][0]["key_factors"][3]["charter_roles"][0] = "mayor"
    assert _problems(data) == [
        f"themes[2].benchmarks[0].key_factors[3].charter_roles[0]: 'mayor' is not one of "
        f"{ROLES_TEXT}"]


def test_every_schema_problem_is_listed_with_its_path():
    data = _three_themes()
    data["format_version"] = 2
    del data["themes"][0]["benchmarks"][1]["key_factors"][0]["title"]
    data["themes"][0]["benchmarks"][1]["key_factors"][1]["examples"] = ["Barcelona"]
    data["themes"][1]["slug"] = "Language Courses"
    data["themes"][1]["benchmarks"][0]["status"] = "final"
    data["themes"][1]["benchmarks"][0]["context_factors"][1] = "   "
    data["themes"][2]["benchmarks"][0]["version"] = "one"
    data["themes"][2]["benchmarks"][0]["key_factors"][0]["guide_questions"].append(7)
    data["themes"][2]["benchmarks"][0]["key_factors"][1]["charter_roles"] = ["buyer", "buyer"]
    assert _problems(data) == [
        "format_version: 1 was expected",
        "themes[0].benchmarks[1].key_factors[0]: 'title' is a required property",
        "themes[0].benchmarks[1].key_factors[1]: Additional properties are not allowed "
        "('examples' was unexpected)",
        "themes[1].benchmarks[0].context_factors[1]: must not be empty",
        "themes[1].benchmarks[0].status: 'final' is not one of ['draft', 'published']",
        "themes[1].slug: 'Language Courses' is not a valid short name: use lower-case "
        "letters, digits and single hyphens",
        "themes[2].benchmarks[0].key_factors[0].guide_questions[2]: 7 is not of type 'string'",
        "themes[2].benchmarks[0].key_factors[1].charter_roles: ['buyer', 'buyer'] has "
        "non-unique elements",
        "themes[2].benchmarks[0].version: 'one' is not of type 'integer'",
    ]


@pytest.mark.parametrize("data, message", [
    ([], "(top level): [] is not of type 'object'"),
    ({"format": "peerreview-framework", "format_version": 1},
     "(top level): 'themes' is a required property"),
    ({"format": "other", "format_version": 1, "themes": []},
     "format: 'peerreview-framework' was expected"),
])
def test_top_level_problems(data, message):
    assert _problems(data) == [message]


def test_semantic_problems_name_the_path():
    data = _three_themes()
    data["themes"][1]["slug"] = "anti-discrimination"
    data["themes"][2]["name"] = "ANTI discrimination"
    data["themes"][0]["benchmarks"][1]["version"] = 1
    data["themes"][2]["benchmarks"][0]["key_factors"][3]["code"] = "kf2"
    data["themes"][2]["benchmarks"].append(sample_benchmark(2, "draft"))
    data["themes"][2]["benchmarks"].append(sample_benchmark(3, "draft"))
    bad = data["themes"][0]["benchmarks"][0]
    bad["standard"] = ""
    bad["key_factors"][0]["charter_roles"] = []
    bad["key_factors"][1]["guide_questions"] = []
    problems = _problems(data)
    assert problems == [
        "themes[0].benchmarks[0].standard: a published benchmark needs its standard",
        "themes[0].benchmarks[0].key_factors[0].charter_roles: a published key factor needs "
        "at least one Charter role",
        "themes[0].benchmarks[0].key_factors[1].guide_questions: a published key factor needs "
        "at least one guide question",
        "themes[0].benchmarks[1].version: version 1 appears twice (also "
        "themes[0].benchmarks[0])",
        "themes[1].slug: 'anti-discrimination' is used by themes[0] too",
        "themes[2].name: 'ANTI discrimination' is used by themes[0] too",
        "themes[2].benchmarks[0].key_factors[3].code: 'kf2' is used by key_factors[1] too",
        "themes[2].benchmarks[2].status: a theme has at most one draft, and "
        "themes[2].benchmarks[1] is a draft too",
    ]


def test_a_draft_must_be_the_highest_version():
    data = sample_file(sample_theme("x", sample_benchmark(2, "draft"), sample_benchmark(3)))
    assert _problems(data) == ["themes[0].benchmarks[0].status: a draft must be the theme's "
                               "highest version, but version 3 is higher"]


def test_drafts_may_be_incomplete(db_session):
    draft = {"version": 1, "status": "draft", "standard": "", "key_factors": [
        {"code": "KF1", "title": "Unfinished", "charter_roles": [], "guide_questions": []}]}
    result = io.import_framework(sample_file(sample_theme("wip", draft)))
    assert result.benchmarks_created == ["wip version 1"]


def test_unreadable_files(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "peerreview-framework",\n "themes": [}')
    with pytest.raises(FrameworkFileError, match=r"broken.json: 1 problem: not valid JSON: "
                                                 r"line 2 column 13"):
        io.read_file(broken)
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("themes: [\n  - slug: a\n   name: b\n")
    with pytest.raises(FrameworkFileError, match="not valid YAML: line"):
        io.read_file(bad_yaml)
    with pytest.raises(DomainError, match="use a file name ending in .json, .yaml or .yml"):
        io.read_file(tmp_path / "framework.txt")
    with pytest.raises(DomainError, match="no such file"):
        io.read_file(tmp_path / "missing.json")


# --- import --------------------------------------------------------------------------------------

def test_import_creates_everything_in_order(db_session):
    result = io.import_framework(_three_themes(), source="test.json")
    db_session.commit()
    assert result.themes_created == ["anti-discrimination", "language-courses",
                                     "cultural-diversity"]
    assert len(result.benchmarks_created) == 4 and result.changed
    theme = services.find_theme("anti-discrimination")
    assert [b.version for b in theme.benchmarks] == [1, 2]
    assert theme.current_benchmark.version == 2
    kfs = theme.current_benchmark.key_factors
    assert [(k.code, k.position, k.charter_roles) for k in kfs] == [
        ("KF1", 1, ["policy_maker", "employer"]), ("KF2", 2, ["policy_maker"])]
    assert [q.text for q in kfs[0].guide_questions] == ["Question 1.1?", "Question 1.2?"]
    assert db_session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "framework.import")) == 1


def test_a_file_with_one_bad_element_changes_nothing(db_session):
    io.import_framework(sample_file(sample_theme("existing")))
    db_session.commit()
    before, audit = _counts(), db_session.scalar(select(func.count(AuditEntry.id)))
    data = _three_themes()
    data["themes"].append(sample_theme("existing"))
    data["themes"][2]["benchmarks"][0]["key_factors"][3]["charter_roles"][0] = "mayor"
    with pytest.raises(FrameworkFileError):
        io.import_framework(data)
    db_session.rollback()
    assert _counts() == before
    # a conflict found only against the database also stops the whole file
    data = _three_themes()
    changed = sample_theme("existing")
    changed["benchmarks"][0]["standard"] = "A different standard."
    data["themes"].append(changed)
    with pytest.raises(FrameworkFileError) as exc:
        io.import_framework(data)
    db_session.rollback()
    assert exc.value.errors == [
        "themes[3].benchmarks[0]: existing version 1 is already published here with different "
        "content; published versions never change, so give the changed benchmark a new "
        "version number"]
    assert _counts() == before
    assert db_session.scalar(select(func.count(AuditEntry.id))) == audit


def test_import_is_idempotent(db_session):
    data = _three_themes()
    io.import_framework(copy.deepcopy(data))
    db_session.commit()
    before, audit = _counts(), db_session.scalar(select(func.count(AuditEntry.id)))
    again = io.import_framework(data)
    db_session.commit()
    assert not again.changed and again.created == 0 and again.existing == 7
    assert again.summary().startswith("Nothing to import")
    assert _counts() == before
    assert db_session.scalar(select(func.count(AuditEntry.id))) == audit


def test_import_adds_new_versions_to_existing_themes(db_session):
    io.import_framework(sample_file(sample_theme("a", sample_benchmark(1))))
    db_session.commit()
    result = io.import_framework(sample_file(sample_theme("a", sample_benchmark(1),
                                                          sample_benchmark(2))))
    assert result.benchmarks_created == ["a version 2"]
    assert result.benchmarks_unchanged == ["a version 1"]
    assert services.find_theme("a").current_benchmark.version == 2


def test_import_respects_the_draft_rules_of_the_database(db_session):
    io.import_framework(sample_file(sample_theme("a", sample_benchmark(1),
                                                 sample_benchmark(2, "draft"))))
    db_session.commit()
    cases = [
        (sample_benchmark(3, "draft"), "themes[0].benchmarks[0].status: a already has a draft "
                                       "here (version 2); a theme has at most one draft"),
        (sample_benchmark(3), "themes[0].benchmarks[0].version: the draft version 2 here must "
                              "stay the highest; publish or delete it before importing "
                              "version 3"),
        ({**sample_benchmark(2, "draft"), "standard": "Other"},
         "themes[0].benchmarks[0]: a version 2 is a draft here with different content; delete "
         "or publish that draft first, or use another version"),
    ]
    for bench, message in cases:
        with pytest.raises(FrameworkFileError) as exc:
            io.import_framework(sample_file(sample_theme("a", bench)))
        assert exc.value.errors == [message]
        db_session.rollback()


def test_import_normalises_blanks_and_role_order_and_stays_idempotent(db_session):
    data = sample_file(sample_theme("a"))
    kf = data["themes"][0]["benchmarks"][0]["key_factors"][0]
    kf["title"] = "  Padded title "
    kf["charter_roles"] = ["employer", "policy_maker"]
    io.import_framework(copy.deepcopy(data))
    db_session.commit()
    stored = services.find_theme("a").current_benchmark.key_factors[0]
    assert stored.title == "Padded title"
    assert stored.charter_roles == ["policy_maker", "employer"]
    assert not io.import_framework(data).changed


# --- round trips --------------------------------------------------------------------------------

def _wipe_framework():
    db.session.commit()
    db.session.execute(text("DELETE FROM audit_entry"))
    for table in ("guide_question", "key_factor", "context_factor", "benchmark", "theme"):
        db.session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    db.session.commit()
    db.session.expire_all()


def _build_a_framework_through_the_services():
    theme = services.create_theme(slug="diversity", name="Diversité culturelle — 文化",
                                  description="Ünïcode, \"quotes\" and a\nnew line.")
    first = services.new_draft(theme)
    services.update_benchmark(first, standard="Cities value diversity: yes/no?",
                              source_note="no")  # a YAML 1.1 boolean word
    kf = services.add_key_factor(first, {"title": "On", "charter_roles": ["buyer", "employer"]})
    services.add_guide_question(kf, "1.5")
    services.add_guide_question(kf, "- Does it start with a dash?")
    services.add_context_factor(first, "null")
    services.publish(first)
    second = services.new_draft(theme)
    services.add_key_factor(second, {"code": "KF0", "title": "Zero", "charter_roles": []})
    services.move_key_factor(second.key_factors[1], "up")
    io.import_framework(_three_themes())
    db.session.commit()


@pytest.mark.parametrize("kind", ["json", "yaml"])
def test_export_import_export_is_byte_identical(db_session, kind):
    _build_a_framework_through_the_services()
    first = io.dump(io.export_framework(), kind)
    _wipe_framework()
    assert _counts() == (0, 0, 0, 0, 0)
    io.import_framework(io.parse_text(first, kind))
    db_session.commit()
    assert io.dump(io.export_framework(), kind) == first
    exported = io.export_framework()
    assert [t["slug"] for t in exported["themes"]] == sorted(t["slug"] for t in
                                                             exported["themes"])
    diversity = next(t for t in exported["themes"] if t["slug"] == "diversity")
    draft = next(b for b in diversity["benchmarks"] if b["status"] == "draft")
    assert [kf["code"] for kf in draft["key_factors"]] == ["KF0", "KF1"]


def test_export_can_leave_out_drafts_and_other_themes(db_session):
    _build_a_framework_through_the_services()
    data = io.export_framework(slugs=["diversity"], published_only=True)
    assert [t["slug"] for t in data["themes"]] == ["diversity"]
    assert [b["status"] for b in data["themes"][0]["benchmarks"]] == ["published"]


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                min_size=1, max_size=30).map(str.strip).filter(bool)
_key_factor = st.fixed_dictionaries({
    "title": _text, "description": st.just("") | _text,
    "charter_roles": st.lists(st.sampled_from(["policy_maker", "service_provider", "employer",
                                               "buyer"]), min_size=1, max_size=4, unique=True),
    "guide_questions": st.lists(_text, min_size=1, max_size=3)})
_benchmark = st.fixed_dictionaries({
    "standard": _text, "source_note": st.just("") | _text,
    "key_factors": st.lists(_key_factor, min_size=1, max_size=4),
    "context_factors": st.lists(_text, max_size=3)})


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(benchmarks=st.lists(_benchmark, min_size=1, max_size=3), kind=st.sampled_from(["json",
                                                                                    "yaml"]))
def test_round_trip_of_generated_frameworks(db_session, benchmarks, kind):
    _wipe_framework()
    for v, bench in enumerate(benchmarks, start=1):
        bench.update(version=v, status="published")
        for i, kf in enumerate(bench["key_factors"], start=1):
            kf["code"] = f"KF{i}"
    data = sample_file({"slug": "generated", "name": "Generated", "description": "",
                        "benchmarks": benchmarks})
    io.import_framework(copy.deepcopy(data))
    db_session.commit()
    text_out = io.dump(io.export_framework(), kind)
    assert io.parse_text(text_out, kind) == validate(data)
    _wipe_framework()
    io.import_framework(io.parse_text(text_out, kind))
    db_session.commit()
    assert io.dump(io.export_framework(), kind) == text_out


# --- command line ------------------------------------------------------------------------------

def _lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.strip()]


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
def test_cli_export_then_import_into_an_empty_database(runner, db_session, tmp_path, suffix):
    io.import_framework(_three_themes())
    db_session.commit()
    path = tmp_path / f"framework{suffix}"
    res = runner.invoke(args=["framework", "export", str(path)])
    assert res.exit_code == 0, res.output
    assert _lines(res) == [f"Exported 3 theme(s) and 4 benchmark version(s) to {path}."]
    before = io.export_framework()
    _wipe_framework()
    res = runner.invoke(args=["framework", "import", str(path)])
    assert res.exit_code == 0, res.output
    assert _lines(res) == ["Imported: 3 themes created, 4 benchmark versions created, "
                           "0 already here."]
    db.session.expire_all()
    assert io.export_framework() == before
    res = runner.invoke(args=["framework", "import", str(path)])
    assert res.exit_code == 0 and _lines(res)[0].startswith("Nothing to import")


def test_cli_refuses_a_bad_file_with_one_line_and_changes_nothing(runner, db_session, tmp_path):
    data = _three_themes()
    data["themes"][2]["benchmarks"][0]["key_factors"][3]["charter_roles"][0] = "mayor"
    data["themes"][0]["slug"] = "Bad Slug"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    res = runner.invoke(args=["framework", "import", str(path)])
    assert res.exit_code == 1
    lines = _lines(res)
    assert len(lines) == 1, res.output
    assert lines[0].startswith(f"Error: {path}: 2 problems: themes[0].slug: 'Bad Slug' is not")
    assert "themes[2].benchmarks[0].key_factors[3].charter_roles[0]: 'mayor' is not one of" \
        in lines[0]
    assert _counts() == (0, 0, 0, 0, 0)
    for args, message in [
        (["import", str(tmp_path / "nothing.json")], "no such file"),
        (["import", str(tmp_path / "framework.csv")], "use a file name ending in"),
        (["export", str(tmp_path / "framework.xml")], "use a file name ending in"),
        (["export", str(tmp_path / "x.json"), "--theme", "nope"], "Unknown theme 'nope'"),
        (["export", str(tmp_path / "no-dir" / "x.json")], "cannot be written"),
    ]:
        res = runner.invoke(args=["framework", *args])
        assert res.exit_code == 1, res.output
        assert len(_lines(res)) == 1 and message in _lines(res)[0], res.output


# --- the default framework ---------------------------------------------------------------------

def _default_or_skip():
    if not io.DEFAULT_FILE.exists():
        pytest.skip("peerreview/framework/data/default_framework.json is not written yet")
    return io.load_default()


def test_the_default_framework_is_valid_and_complete():
    data = validate(_default_or_skip())
    assert len(data["themes"]) == 7
    for theme in data["themes"]:
        current = [b for b in theme["benchmarks"] if b["status"] == "published"]
        assert current, theme["slug"]
        for kf_list in (b["key_factors"] for b in current):
            assert 4 <= len(kf_list) <= 8, theme["slug"]
            for kf in kf_list:
                assert 2 <= len(kf["guide_questions"]) <= 4, (theme["slug"], kf["code"])
                assert kf["charter_roles"], (theme["slug"], kf["code"])


def test_cli_imports_the_default_framework_once(runner, db_session):
    _default_or_skip()
    res = runner.invoke(args=["framework", "import", "default"])
    assert res.exit_code == 0, res.output
    assert db_session.scalar(select(func.count(Theme.id))) == 7
    before = _counts()
    res = runner.invoke(args=["framework", "import", "default"])
    assert res.exit_code == 0 and "Nothing to import" in res.output
    assert _counts() == before


def test_demo_load_loads_the_default_framework_idempotently(runner, db_session):
    _default_or_skip()
    res = runner.invoke(args=["demo", "load"])
    assert res.exit_code == 0, res.output
    db.session.expire_all()
    themes = db_session.scalars(select(Theme)).all()
    assert len(themes) == 7 and all(t.current_benchmark is not None for t in themes)
    before = _counts()
    audit = db_session.scalar(select(func.count(AuditEntry.id)))
    res = runner.invoke(args=["demo", "load"])
    assert res.exit_code == 0 and " 0 things created" in res.output, res.output
    assert _counts() == before
    assert db_session.scalar(select(func.count(AuditEntry.id))) == audit
