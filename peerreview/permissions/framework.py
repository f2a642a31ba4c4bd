"""The benchmark framework: published benchmarks for every member, drafts and changes for coordinators."""

from __future__ import annotations

from peerreview.permissions.base import _auth, is_coordinator

# --- framework (themes and benchmarks) -------------------------------------------------------
# Published benchmarks are read by every member; drafts and all changes are the coordinators'.

def can_view_framework(user) -> bool:
    return _auth(user)


def can_view_benchmark(user, benchmark) -> bool:
    if benchmark.status == "published":
        return _auth(user)
    return is_coordinator(user)


def can_edit_framework(user) -> bool:
    return is_coordinator(user)
