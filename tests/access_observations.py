"""Access-matrix rows for observation capture, consolidation, exports and the sync API."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta

from tests.access import BAD, FORBIDDEN, OK, Route, everyone, roles

PNG = b"\x89PNG\r\n\x1a\nrest"


def team_only(**extra):
    """Team members (and, for reading, the coordinator); never the host or other cities."""
    return roles(FORBIDDEN, **{"peer_on_team": OK, **extra})


def build_world(world, db_session):
    from peerreview.auth.models import User
    from peerreview.cities.models import City
    from peerreview.files.services import store_bytes
    from peerreview.framework.models import Benchmark, KeyFactor, Theme
    from peerreview.observations.models import Observation
    from peerreview.reviews.models import Review, TeamMember

    theme = Theme(slug="obs-theme", name="Observation theme", description="")
    bench = Benchmark(theme=theme, version=1, status="published", standard="A standard.")
    kf = KeyFactor(benchmark=bench, code="KF1", title="First", position=1, charter_roles=["employer"])
    start = date.today() - timedelta(days=1)
    review = Review(host_city=world.host_city, benchmark=bench, state="visit", working_languages=["en"],
                    visit_start=start, visit_end=start + timedelta(days=3))
    city = City(name="Peertown", country="SE", timezone="Europe/Stockholm", description="")
    author = User(email="author@example.org", name="Note Author", city=city, languages=["en"])
    seat = TeamMember(review=review, user=author, role="lead", status="accepted")
    db_session.add_all([theme, bench, kf, review, city, author, seat])
    db_session.flush()
    stored, name = store_bytes(PNG, "photo.png")
    obs = Observation(uuid=str(uuid.uuid4()), review=review, author_id=author.id, kind="gap",
                      text="A note", key_factor_id=kf.id, file=stored, filename=name)
    db_session.add(obs)
    db_session.flush()
    world.objects.update(obs_review=review, obs=obs, obs_kf=kf, obs_author=author)


def _note(w):
    return {"uuid": str(uuid.uuid4()), "text": "Seen at the desk", "kind": "evidence",
            "key_factor_id": w.obs_kf.id}


def _base(w):
    return f"/reviews/{w.obs_review.id}/observations"


API_ANON = 401  # the API answers JSON, not a login redirect

ROUTES = [
    Route("observations.capture", "GET", _base, team_only(coordinator=OK)),
    Route("observations.capture", "POST", _base, team_only(),
          data=lambda w: {**_note(w), "file": (io.BytesIO(PNG), "x.png")}),
    # only the author changes a note; the author is not one of the roles
    Route("observations.edit", "GET", lambda w: f"{_base(w)}/{w.obs.id}/edit", roles(FORBIDDEN)),
    Route("observations.edit", "POST", lambda w: f"{_base(w)}/{w.obs.id}/edit", roles(FORBIDDEN),
          data=lambda w: {"text": "changed", "kind": "gap", "base_version": "1"}),
    Route("observations.withdraw", "POST", lambda w: f"{_base(w)}/{w.obs.id}/withdraw", roles(FORBIDDEN)),
    Route("observations.file", "GET", lambda w: f"{_base(w)}/{w.obs.id}/file", team_only(coordinator=OK)),
    Route("observations.consolidation", "GET", lambda w: f"{_base(w)}/consolidation",
          team_only(coordinator=OK)),
    Route("observations.rate", "POST", lambda w: f"{_base(w)}/ratings", team_only(),
          data=lambda w: {"key_factor_id": w.obs_kf.id, "rating": "2"}),
    Route("observations.export_csv", "GET", lambda w: f"{_base(w)}/export.csv", team_only(coordinator=OK)),
    Route("observations.export_xlsx", "GET", lambda w: f"{_base(w)}/export.xlsx", team_only(coordinator=OK)),
    Route("api.list_observations", "GET", lambda w: f"/api/v1/reviews/{w.obs_review.id}/observations",
          team_only(coordinator=OK, anonymous=API_ANON, deactivated=API_ANON)),
    Route("api.submit_observation", "POST", lambda w: f"/api/v1/reviews/{w.obs_review.id}/observations",
          team_only(anonymous=API_ANON, deactivated=API_ANON, peer_on_team=BAD), data=None),
    Route("api.submit_batch", "POST", lambda w: f"/api/v1/reviews/{w.obs_review.id}/observations/batch",
          team_only(anonymous=API_ANON, deactivated=API_ANON, peer_on_team=BAD), data=None),
    # only the author attaches a file to a note; the author is not one of the roles
    Route("api.attach_file", "POST",
          lambda w: f"/api/v1/reviews/{w.obs_review.id}/observations/{w.obs.uuid}/file",
          roles(FORBIDDEN, anonymous=API_ANON, deactivated=API_ANON),
          data=lambda w: {"file": (io.BytesIO(PNG), "photo.png")}),
    Route("api.withdraw_observation", "POST",
          lambda w: f"/api/v1/reviews/{w.obs_review.id}/observations/{w.obs.uuid}/withdraw",
          team_only(anonymous=API_ANON, deactivated=API_ANON, peer_on_team=FORBIDDEN)),
    Route("service_worker", "GET", lambda w: "/sw.js", everyone()),
]
