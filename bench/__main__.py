"""The performance suite (make bench). Writes bench/results.json and prints a table."""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).with_name("results.json")


def _timed(client, path: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        res = client.get(path)
        out.append((time.perf_counter() - t0) * 1000)
        assert res.status_code == 200, (path, res.status_code)
    return out


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


PARTS = ("pages", "observations", "capture", "matching", "reports", "library")


def _layout(results: list) -> None:
    """/healthz, / and /login on the demo network: the floor the pages are compared with."""
    from flask_migrate import upgrade

    from peerreview import create_app
    from peerreview.demo.services import load
    from peerreview.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"ENVIRONMENT": "testing", "SECRET_KEY": "bench-" * 8,
                          "INSTANCE_PATH": tmp, "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite"})
        with app.app_context():
            upgrade()
            load()
            db.session.commit()
        client = app.test_client()
        base = _timed(client, "/healthz", 200)
        base_p95 = _p(base, 0.95)
        results.append({"name": "healthz p95", "value": round(base_p95, 2), "unit": "ms"})
        for path in ["/", "/login"]:
            samples = _timed(client, path, 200)
            p95 = _p(samples, 0.95)
            results.append({"name": f"GET {path} p95", "value": round(p95, 2), "unit": "ms",
                            "baseline": round(base_p95, 2),
                            "ratio": round(p95 / base_p95, 2) if base_p95 else None,
                            "p50": round(statistics.median(samples), 2)})


def main(argv: list[str] | None = None) -> None:
    """``python -m bench`` runs every part; ``python -m bench matching`` (or any of PARTS)
    only those, and replaces only their rows in results.json."""
    parts = list(sys.argv[1:] if argv is None else argv) or list(PARTS)
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        raise SystemExit(f"unknown part {', '.join(unknown)}; the parts are {', '.join(PARTS)}")
    from bench import capture, library, matching, observations, pages, reports

    runs = {"pages": lambda out: (_layout(out), pages.run(out), pages.run_languages(out)),
            "observations": observations.run,
            "capture": capture.run, "matching": matching.run, "reports": reports.run,
            "library": library.run}
    results = []
    for part in PARTS:
        if part in parts:
            rows: list = []
            runs[part](rows)
            results += [{**r, "part": part} for r in rows]
    if len(parts) < len(PARTS) and RESULTS.exists():
        kept = [r for r in json.loads(RESULTS.read_text()) if r.get("part") not in parts]
        if all("part" in r for r in kept):      # rows of a run before parts were recorded: dropped
            results = sorted(kept + results, key=lambda r: PARTS.index(r["part"]))
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"{'measurement':<62}{'value':>10} {'unit':<6}{'ratio':>7}{'target':>8}")
    for r in results:
        if r.get("part") not in parts:
            continue
        print(f"{r['name']:<62}{r['value'] if r['value'] is not None else 'error':>10} "
              f"{r['unit']:<6}{r.get('ratio') or '':>7}{r.get('target') or '':>8}")
    print(f"\nwritten to {RESULTS}")


if __name__ == "__main__":
    main()
