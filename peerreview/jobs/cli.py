"""``flask --app peerreview jobs worker``: runs the PDF jobs (an RQ worker where REDIS_URL is
set, the polling loop otherwise); ``--burst`` runs what is queued now and stops."""

from __future__ import annotations

import threading
import time

import click
from flask import current_app
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Background jobs (PDF rendering).")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs queued now, then stop.")
def run_worker(burst: bool):
    """Make the PDFs that people asked for."""
    from peerreview.jobs import worker

    app = current_app._get_current_object()
    if worker.uses_rq(app):
        from rq import SimpleWorker

        worker._rq_app = app
        queue = worker.queue(app)
        worker.resend_stale(app, older_than=0)
        if not burst:
            threading.Thread(target=_resend_forever, args=(app,), daemon=True).start()
        click.echo(f"Working on RQ queue {queue.name!r} at {app.config['REDIS_URL']}")
        # SimpleWorker runs each job in this process: the PDF itself is made in a child
        # process with a time limit anyway
        SimpleWorker([queue], connection=queue.connection).work(burst=burst)
        return
    if burst:
        click.echo(f"Ran {worker.run_pending(app)} job(s).")
        return
    seconds = float(app.config.get("JOBS_POLL_SECONDS", 2))
    click.echo(f"Working on the queued PDF jobs in the database (every {seconds:g} s)")
    while True:
        worker.run_pending(app)
        time.sleep(seconds)


def _resend_forever(app, every: float = 30) -> None:
    from peerreview.jobs import worker

    while True:
        time.sleep(every)
        try:
            worker.resend_stale(app)
        except Exception:  # noqa: BLE001 - keep trying
            worker.log.exception("Could not re-send stale PDF jobs")
