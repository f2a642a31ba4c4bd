"""Feature routes for the access matrix. Each feature adds a module ``tests/access_<feature>.py``
with ``ROUTES: list[Route]`` and optionally ``def build_world(world, db_session)``, and lists
it in FEATURE_MODULES below.
"""

from __future__ import annotations

import importlib

FEATURE_MODULES: list[str] = ["access_reviews", "access_framework", "access_programme", "access_observations",
                           "access_matching", "access_deadlines", "access_reports", "access_mentoring",
                           "access_languages"]

WORLD_BUILDERS = []


def collect():
    """[(feature, route)] for every feature module, in order."""
    routes = []
    WORLD_BUILDERS.clear()
    for name in FEATURE_MODULES:
        module = importlib.import_module(f"tests.{name}")
        routes += [(name.removeprefix("access_"), route) for route in module.ROUTES]
        if hasattr(module, "build_world"):
            WORLD_BUILDERS.append(module.build_world)
    return routes
