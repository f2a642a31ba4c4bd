"""Benchmark framework: the rating scale, Charter roles and the versioning rules."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from peerreview.audit.models import AuditEntry
from peerreview.domain import DomainError, NotAllowed
from peerreview.framework import services
from peerreview.framework.compare import compare
from peerreview.framework.constants import (
    CHARTER_ROLE_CHOICES,
    NOT_ENOUGH_EVIDENCE,
    RATING_CHOICES,
    CharterRole,
    charter_role_label,
    normalise_charter_roles,
    parse_rating,
    rating_label,
    rating_score,
)
from peerreview.framework.models import Benchmark, GuideQuestion, KeyFactor
from tests.access_framework import sample_benchmark

# --- constants -----------------------------------------------------------------------------


def test_charter_roles_are_the_four_roles_of_the_charter():
    assert CHARTER_ROLE_CHOICES == [
        ("policy_maker", "Policy-maker"), ("service_provider", "Service provider"),
        ("employer", "Employer"), ("buyer", "Buyer of goods and services")]
    assert CharterRole("buyer").label == "Buyer of goods and services"
    assert charter_role_label("employer") == "Employer"
    assert normalise_charter_roles(["buyer", "policy_maker"]) == ["policy_maker", "buyer"]
    with pytest.raises(DomainError, match="mayor"):
        normalise_charter_roles(["mayor"])


def test_rating_scale():
    assert [v for v, _ in RATING_CHOICES] == ["0", "1", "2", "3", "ne"]
    assert NOT_ENOUGH_EVIDENCE == "ne"
    assert [rating_label(v) for v in (0, "1", 2, "3", "ne")] == [
        "Not in place", "Partly in place", "Largely in place", "Fully in place",
        "Not enough evidence"]
    assert rating_label(None) == "Not rated yet"
    assert parse_rating(2) == "2" and parse_rating(" 3 ") == "3" and parse_rating("NE") == "ne"
    assert rating_score("2") == 2 and rating_score("ne") is None and rating_score(None) is None


@pytest.mark.parametrize("bad", [4, -1, "4", "x", "", None, True, False, 1.5, "2.0", [1]])
def test_parse_rating_refuses_anything_off_the_scale(bad):
    with pytest.raises(DomainError) as exc:
        parse_rating(bad)
    assert exc.value.field == "rating"
    assert "Not enough evidence" in exc.value.message


# --- themes and drafts ---------------------------------------------------------------------

@pytest.fixture
def theme(db_session):
    theme = services.create_theme(slug="language-courses", name="Language courses",
                                  description="Introductory and language courses.")
    db_session.commit()
    return theme


@pytest.fixture
def published(db_session, theme):
    bench = services.build_benchmark(theme, sample_benchmark(1, "published", factors=3))
    db_session.commit()
    return bench


def test_theme_rules(db_session, theme):
    with pytest.raises(DomainError) as exc:
        services.create_theme(slug="language-courses", name="Other")
    assert exc.value.field == "slug"
    with pytest.raises(DomainError) as exc:
        services.create_theme(slug="other", name="language COURSES")
    assert exc.value.field == "name"
    with pytest.raises(DomainError) as exc:
        services.create_theme(slug="Bad Slug", name="Bad")
    assert exc.value.field == "slug"
    assert services.update_theme(theme, name="Language learning", description="") == {
        "name": ["Language courses", "Language learning"],
        "description": ["Introductory and language courses.", ""]}


def test_first_draft_of_a_new_theme_is_empty_and_cannot_be_published_empty(db_session, theme):
    draft = services.new_draft(theme)
    assert (draft.version, draft.status, draft.key_factors) == (1, "draft", [])
    with pytest.raises(DomainError, match="write the one-sentence standard.*add at least one"):
        services.publish(draft)
    services.update_benchmark(draft, standard="Everyone can learn the language.", source_note="")
    kf = services.add_key_factor(draft, {"title": "Free courses", "charter_roles": []})
    assert kf.code == "KF1"
    with pytest.raises(DomainError, match="link KF1 to at least one Charter role"):
        services.publish(draft)
    services.update_key_factor(kf, {"charter_roles": ["service_provider"]})
    services.add_guide_question(kf, "Are the courses free?")
    services.publish(draft)
    assert draft.status == "published" and draft.published_at is not None
    assert theme.current_benchmark is draft


def test_editing_a_published_benchmark_is_refused(db_session, published):
    kf = published.key_factors[0]
    attempts = [
        lambda: services.update_benchmark(published, standard="Changed", source_note=""),
        lambda: services.add_key_factor(published, {"title": "New", "charter_roles": []}),
        lambda: services.update_key_factor(kf, {"title": "Changed"}),
        lambda: services.remove_key_factor(kf),
        lambda: services.move_key_factor(kf, "down"),
        lambda: services.add_guide_question(kf, "New?"),
        lambda: services.update_guide_question(kf.guide_questions[0], "Changed?"),
        lambda: services.remove_guide_question(kf.guide_questions[0]),
        lambda: services.move_guide_question(kf.guide_questions[0], "down"),
        lambda: services.add_context_factor(published, "New"),
        lambda: services.update_context_factor(published.context_factors[0], "Changed"),
        lambda: services.remove_context_factor(published.context_factors[0]),
        lambda: services.publish(published),
        lambda: services.delete_draft(published),
    ]
    before = services.benchmark_to_dict(published)
    for attempt in attempts:
        with pytest.raises(NotAllowed, match="published"):
            attempt()
        db_session.rollback()
    db_session.expire_all()
    assert services.benchmark_to_dict(db_session.get(Benchmark, published.id)) == before


def test_new_version_is_a_deep_copy_and_publishing_keeps_the_old_one(db_session, theme,
                                                                     published):
    draft = services.new_draft(theme)
    db_session.commit()
    assert draft.version == 2 and draft.is_draft
    copy = services.benchmark_to_dict(draft)
    original = services.benchmark_to_dict(published)
    assert {**copy, "version": 1, "status": "published"} == original
    assert {kf.id for kf in draft.key_factors}.isdisjoint({kf.id for kf in published.key_factors})

    # edits go to the draft only
    services.update_key_factor(draft.key_factors[0], {"title": "Renamed factor"})
    services.remove_key_factor(draft.key_factors[2])
    services.add_guide_question(draft.key_factors[1], "A new question?")
    db_session.commit()
    assert services.benchmark_to_dict(published) == original
    assert theme.current_benchmark is published

    services.publish(draft)
    db_session.commit()
    db_session.expire_all()
    assert theme.current_benchmark.id == draft.id
    old = db_session.get(Benchmark, published.id)
    assert old.is_published and old.is_superseded and old.status_label == "superseded"
    assert services.benchmark_to_dict(old) == original


def test_only_one_draft_per_theme(db_session, theme, published):
    services.new_draft(theme)
    db_session.commit()
    with pytest.raises(NotAllowed, match="already has a draft \\(version 2\\)"):
        services.new_draft(theme)
    db_session.rollback()
    assert db_session.scalar(select(func.count(Benchmark.id)).where(
        Benchmark.theme_id == theme.id, Benchmark.status == "draft")) == 1


def test_new_draft_from_an_older_version(db_session, theme, published):
    draft = services.new_draft(theme)
    services.update_benchmark(draft, standard="Version two.", source_note="")
    services.publish(draft)
    third = services.new_draft(theme, based_on=published)
    assert third.version == 3 and third.standard == published.standard
    with pytest.raises(NotAllowed):
        services.new_draft(theme, based_on=third)


def test_delete_draft_removes_it_with_its_content(db_session, theme, published):
    draft = services.new_draft(theme)
    db_session.commit()
    draft_id = draft.id
    kf_ids = [kf.id for kf in draft.key_factors]
    services.delete_draft(draft)
    db_session.commit()
    assert db_session.get(Benchmark, draft_id) is None
    assert db_session.scalars(select(KeyFactor).where(KeyFactor.id.in_(kf_ids))).all() == []
    assert db_session.scalar(select(func.count(GuideQuestion.id))) == 6  # the published ones
    # the next draft takes the freed number again
    assert services.new_draft(theme).version == 2


def test_key_factor_rules_and_reordering(db_session, theme, published):
    draft = services.new_draft(theme)
    with pytest.raises(DomainError) as exc:
        services.add_key_factor(draft, {"code": "kf1", "title": "Dup", "charter_roles": []})
    assert exc.value.field == "code"
    with pytest.raises(DomainError) as exc:
        services.add_key_factor(draft, {"code": "KF 9", "title": "Bad code"})
    assert exc.value.field == "code"
    with pytest.raises(DomainError) as exc:
        services.add_key_factor(draft, {"title": "  "})
    assert exc.value.field == "title"
    with pytest.raises(DomainError) as exc:
        services.update_key_factor(draft.key_factors[0], {"charter_roles": ["mayor"]})
    assert exc.value.field == "charter_roles"
    with pytest.raises(DomainError) as exc:
        services.add_guide_question(draft.key_factors[0], " ")
    assert exc.value.field == "text"

    kf3 = draft.key_factors[2]
    assert services.move_key_factor(kf3, "up")
    db_session.commit()
    assert [kf.code for kf in draft.key_factors] == ["KF1", "KF3", "KF2"]
    assert not services.move_key_factor(draft.key_factors[0], "up")  # already first
    services.remove_key_factor(draft.key_factors[0])
    db_session.commit()
    assert [(kf.code, kf.position) for kf in draft.key_factors] == [("KF3", 1), ("KF2", 2)]
    assert services.add_key_factor(draft, {"title": "Next"}).code == "KF4"

    kf = draft.key_factors[0]
    services.add_guide_question(kf, "Third?")
    services.move_guide_question(kf.guide_questions[2], "up")
    db_session.commit()
    assert [q.text for q in kf.guide_questions] == ["Question 3.1?", "Third?", "Question 3.2?"]
    services.remove_guide_question(kf.guide_questions[0])
    db_session.commit()
    assert [(q.text, q.position) for q in kf.guide_questions] == [("Third?", 1),
                                                                   ("Question 3.2?", 2)]


def test_every_change_is_audited(db_session, theme, published, make_user):
    coordinator = make_user(coordinator=True)
    draft = services.new_draft(theme, actor=coordinator)
    kf = services.add_key_factor(draft, {"title": "Audited", "charter_roles": ["buyer"]},
                                 actor=coordinator)
    services.add_guide_question(kf, "Audited?", actor=coordinator)
    services.add_context_factor(draft, "A limit.", actor=coordinator)
    services.publish(draft, actor=coordinator)
    db_session.commit()
    actions = db_session.scalars(select(AuditEntry.action).where(
        AuditEntry.actor_id == coordinator.id).order_by(AuditEntry.id)).all()
    assert actions == ["benchmark.new_draft", "key_factor.add", "guide_question.add",
                       "context_factor.add", "benchmark.publish"]


def test_compare_versions(db_session, theme, published):
    draft = services.new_draft(theme)
    services.update_key_factor(draft.key_factors[0], {"title": "Renamed",
                                                      "charter_roles": ["buyer"]})
    services.add_guide_question(draft.key_factors[0], "New?")
    services.remove_key_factor(draft.key_factors[1])
    services.add_key_factor(draft, {"code": "KF9", "title": "Brand new"})
    services.remove_context_factor(draft.context_factors[0])
    services.add_context_factor(draft, "A new limit.")
    db_session.commit()
    result = compare(published, draft)
    rows = {kf.code: kf for kf in result.key_factors}
    assert {c: r.status for c, r in rows.items()} == {
        "KF1": "changed", "KF3": "unchanged", "KF9": "added", "KF2": "removed"}
    assert rows["KF1"].changed_fields == ["title"]
    assert rows["KF1"].roles_added == ["Buyer of goods and services"]
    assert rows["KF1"].roles_removed == ["Policy-maker", "Employer"]
    assert rows["KF1"].questions_added == ["New?"]
    assert result.context_added == ["A new limit."]
    assert result.context_removed == ["National law decides."]
    assert result.counts == {"added": 1, "removed": 1, "changed": 1, "unchanged": 1}
    assert compare(published, published).identical


def test_two_drafts_started_at_once_collide_on_the_version(db_session, theme, published,
                                                           monkeypatch):
    """The draft is always the highest version, so a second draft of the same version that
    slipped past the check (two requests at once) is stopped by the (theme, version) key."""
    services.build_benchmark(theme, sample_benchmark(2, "draft"))
    db_session.flush()
    monkeypatch.setattr(services, "_existing_draft", lambda t: None)
    monkeypatch.setattr(services, "next_version", lambda t: 2)
    with pytest.raises(NotAllowed, match="Someone else has just started a draft"):
        services.new_draft(theme)
    assert db_session.scalar(select(func.count(Benchmark.id))) == 2
