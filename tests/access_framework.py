"""Access matrix rows for the benchmark framework (blueprint ``framework``).

Published benchmarks are read by every logged-in member; drafts answer 404 to anyone but a
coordinator; every change is the coordinators' (403 for the others).
"""

from __future__ import annotations

import io
import json

from tests.access import FORBIDDEN, NOT_FOUND, OK, Route, coordinator_only, roles


def sample_benchmark(version: int = 1, status: str = "published", factors: int = 2) -> dict:
    """A benchmark in the file format (also used by tests/test_framework_*.py)."""
    return {"version": version, "status": status, "standard": f"Standard, version {version}.",
            "source_note": "Agreed by the working group.",
            "key_factors": [{"code": f"KF{i}", "title": f"Factor {i}",
                             "description": f"What factor {i} means.",
                             "charter_roles": ["policy_maker", "employer"][: 1 + i % 2],
                             "guide_questions": [f"Question {i}.1?", f"Question {i}.2?"]}
                            for i in range(1, factors + 1)],
            "context_factors": ["National law decides.", "The region runs the courses."]}


def sample_file(*themes: dict) -> dict:
    return {"format": "peerreview-framework", "format_version": 1, "themes": list(themes)}


def sample_theme(slug: str = "anti-discrimination", *benchmarks: dict) -> dict:
    return {"slug": slug, "name": slug.replace("-", " ").capitalize(),
            "description": f"About {slug}.", "benchmarks": list(benchmarks) or [sample_benchmark()]}


TINY_FILE = sample_file(sample_theme("matrix-import"))


def build_world(world, db_session):
    from peerreview.framework.models import Theme
    from peerreview.framework.services import build_benchmark

    theme = Theme(slug="matrix-theme", name="Matrix theme", description="For the matrix.")
    fresh = Theme(slug="matrix-fresh", name="Matrix fresh", description="")
    db_session.add_all([theme, fresh])

    def bench(t, version, status):
        return build_benchmark(t, {
            "version": version, "status": status, "standard": f"Standard {version}.",
            "source_note": "", "context_factors": ["A national law.", "Few competences."],
            "key_factors": [{"code": f"KF{i}", "title": f"Factor {i}", "description": "",
                             "charter_roles": ["policy_maker"],
                             "guide_questions": ["First?", "Second?"]} for i in (1, 2)]})

    old = bench(theme, 1, "published")
    current = bench(theme, 2, "published")
    draft = bench(theme, 3, "draft")
    bench(fresh, 1, "published")
    db_session.flush()
    world.objects.update(
        fw_theme=theme, fw_fresh=fresh, fw_old=old, fw_current=current, fw_draft=draft,
        fw_kf=draft.key_factors[0], fw_question=draft.key_factors[0].guide_questions[0],
        fw_context=draft.context_factors[0])


def _kf_data(w):
    return {"code": "KF9", "title": "New factor", "description": "", "charter_roles": ["buyer"]}


def _upload(w):
    return {"file": (io.BytesIO(json.dumps(TINY_FILE).encode()), "framework.json")}


READ = roles(OK)
DRAFT = roles(NOT_FOUND, coordinator=OK)
EDIT = coordinator_only()

ROUTES: list[Route] = [
    # reading
    Route("framework.index", "GET", lambda w: "/framework/", READ),
    Route("framework.show", "GET", lambda w: f"/framework/benchmarks/{w.fw_current.id}", READ),
    Route("framework.show", "GET", lambda w: f"/framework/benchmarks/{w.fw_old.id}", READ),
    Route("framework.show", "GET", lambda w: f"/framework/benchmarks/{w.fw_draft.id}", DRAFT),
    Route("framework.show", "GET", lambda w: "/framework/benchmarks/999999", roles(NOT_FOUND)),
    Route("framework.compare", "GET",
          lambda w: f"/framework/themes/{w.fw_theme.id}/compare?from=1&to=2", READ),
    Route("framework.compare", "GET",
          lambda w: f"/framework/themes/{w.fw_theme.id}/compare?from=2&to=3", DRAFT),
    # themes and versions
    Route("framework.create_theme", "GET", lambda w: "/framework/themes/new", EDIT),
    Route("framework.create_theme", "POST", lambda w: "/framework/themes/new", EDIT,
          data=lambda w: {"name": "Matrix new", "slug": "matrix-new", "description": ""}),
    Route("framework.edit_theme", "GET", lambda w: f"/framework/themes/{w.fw_theme.id}/edit",
          EDIT),
    Route("framework.edit_theme", "POST", lambda w: f"/framework/themes/{w.fw_theme.id}/edit",
          EDIT, data=lambda w: {"name": "Matrix renamed", "description": "Changed."}),
    Route("framework.new_draft", "POST",
          lambda w: f"/framework/themes/{w.fw_fresh.id}/drafts", EDIT),
    Route("framework.publish", "POST",
          lambda w: f"/framework/benchmarks/{w.fw_draft.id}/publish", EDIT),
    Route("framework.delete_draft", "POST",
          lambda w: f"/framework/benchmarks/{w.fw_draft.id}/delete", EDIT),
    # editing a draft
    Route("framework.edit_benchmark", "GET",
          lambda w: f"/framework/benchmarks/{w.fw_draft.id}/edit", EDIT),
    # a published version is never edited: the coordinator is sent back with the reason
    Route("framework.edit_benchmark", "GET",
          lambda w: f"/framework/benchmarks/{w.fw_current.id}/edit", roles(FORBIDDEN)),
    Route("framework.edit_benchmark", "POST",
          lambda w: f"/framework/benchmarks/{w.fw_draft.id}/edit", EDIT,
          data=lambda w: {"standard": "Changed standard.", "source_note": ""}),
    Route("framework.add_context_factor", "POST",
          lambda w: f"/framework/benchmarks/{w.fw_draft.id}/context-factors", EDIT,
          data=lambda w: {"cf-text": "Another limit."}),
    Route("framework.edit_context_factor", "GET",
          lambda w: f"/framework/context-factors/{w.fw_context.id}/edit", EDIT),
    Route("framework.edit_context_factor", "POST",
          lambda w: f"/framework/context-factors/{w.fw_context.id}/edit", EDIT,
          data=lambda w: {"text": "Changed limit."}),
    Route("framework.remove_context_factor", "POST",
          lambda w: f"/framework/context-factors/{w.fw_context.id}/delete", EDIT),
    Route("framework.add_key_factor", "GET",
          lambda w: f"/framework/benchmarks/{w.fw_draft.id}/key-factors/new", EDIT),
    Route("framework.add_key_factor", "POST",
          lambda w: f"/framework/benchmarks/{w.fw_draft.id}/key-factors/new", EDIT,
          data=_kf_data),
    Route("framework.edit_key_factor", "GET",
          lambda w: f"/framework/key-factors/{w.fw_kf.id}/edit", EDIT),
    Route("framework.edit_key_factor", "POST",
          lambda w: f"/framework/key-factors/{w.fw_kf.id}/edit", EDIT, data=_kf_data),
    Route("framework.remove_key_factor", "POST",
          lambda w: f"/framework/key-factors/{w.fw_kf.id}/delete", EDIT),
    Route("framework.move_key_factor", "POST",
          lambda w: f"/framework/key-factors/{w.fw_kf.id}/move/down", EDIT),
    Route("framework.add_question", "POST",
          lambda w: f"/framework/key-factors/{w.fw_kf.id}/questions", EDIT,
          data=lambda w: {"q-text": "Third?"}),
    Route("framework.edit_question", "GET",
          lambda w: f"/framework/questions/{w.fw_question.id}/edit", EDIT),
    Route("framework.edit_question", "POST",
          lambda w: f"/framework/questions/{w.fw_question.id}/edit", EDIT,
          data=lambda w: {"text": "Changed?"}),
    Route("framework.remove_question", "POST",
          lambda w: f"/framework/questions/{w.fw_question.id}/delete", EDIT),
    Route("framework.move_question", "POST",
          lambda w: f"/framework/questions/{w.fw_question.id}/move/down", EDIT),
    Route("framework.edit_key_factor", "GET", lambda w: "/framework/key-factors/999999/edit",
          roles(FORBIDDEN, coordinator=NOT_FOUND)),
    # import and export
    Route("framework.export", "GET", lambda w: "/framework/export?format=yaml", EDIT),
    Route("framework.import_file", "GET", lambda w: "/framework/import", EDIT),
    Route("framework.import_file", "POST", lambda w: "/framework/import", EDIT, data=_upload),
]

# --- translating a benchmark's texts (any version: translations do not change what it asks)
ROUTES += [
    Route("framework.translate", "GET", lambda w: f"/framework/benchmarks/{w.fw_current.id}/translations/fr",
          coordinator_only()),
    Route("framework.translate", "GET", lambda w: f"/framework/benchmarks/{w.fw_draft.id}/translations/el",
          coordinator_only()),
    Route("framework.translate", "GET", lambda w: f"/framework/benchmarks/{w.fw_current.id}/translations/en",
          roles(FORBIDDEN, coordinator=NOT_FOUND)),
    Route("framework.translate", "POST", lambda w: f"/framework/benchmarks/{w.fw_current.id}/translations/fr",
          coordinator_only(), data=lambda w: {"t0_name": "Thème de la matrice", "t1_standard": "Norme 2."}),
]
