"""Running the background jobs inside a test: what the worker does, now, in this process."""

from __future__ import annotations

import pytest


@pytest.fixture
def run_jobs(app):
    """``run_jobs()`` runs every queued PDF job to its end and returns how many ran."""
    from peerreview.extensions import db
    from peerreview.jobs import worker

    def run() -> int:
        db.session.rollback()
        count = worker.run_pending(app)
        db.session.expire_all()
        return count

    return run
