"""The mentoring pages in the reader's language: benchmark texts translated where a translation
exists and marked where the original stands in, the mentorship's title and the chart's key."""

from __future__ import annotations

from peerreview.extensions import db
from tests.mentoring_helpers import baseline, mw  # noqa: F401  (mw is a fixture)


def test_mentoring_pages_in_french(client, login, mw):  # noqa: F811
    mw.bench.theme.set_translation("fr", "name", "Cours d’initiation")
    db.session.commit()
    baseline(mw)
    login(mw.mentor)
    fr = {"Accept-Language": "fr"}
    dashboard = client.get("/mentoring/", headers=fr).get_data(as_text=True)
    assert "Cours d’initiation" in dashboard and "Introductory courses" not in dashboard
    page = client.get(f"/mentoring/{mw.riga.id}", headers=fr).get_data(as_text=True)
    assert "<title>Riga accompagnée par Vienna" in page
    assert "Cours d’initiation" in page
    # the key factors have no French: shown in English, marked as such
    assert f'<span lang="en">{mw.kfs[0].title}</span> <abbr class="untranslated"' in page
    assert "situation de départ" in page and "baseline</text>" not in page
    english = client.get(f"/mentoring/{mw.riga.id}").get_data(as_text=True)
    assert "<title>Riga mentored by Vienna" in english and "baseline</text>" in english
    assert 'class="untranslated"' not in english
