"""Side-by-side comparison of two benchmark versions, key factor by key factor.

Key factors are matched by their code; guide questions and context factors by their text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from peerreview.framework.constants import charter_role_label
from peerreview.framework.models import Benchmark
from peerreview.framework.services import benchmark_to_dict


@dataclass
class KeyFactorDiff:
    code: str
    status: str  # "added", "removed", "changed" or "unchanged"
    old: dict | None
    new: dict | None
    changed_fields: list[str] = field(default_factory=list)
    roles_added: list[str] = field(default_factory=list)
    roles_removed: list[str] = field(default_factory=list)
    questions_added: list[str] = field(default_factory=list)
    questions_removed: list[str] = field(default_factory=list)
    questions_reordered: bool = False
    moved: bool = False


@dataclass
class BenchmarkDiff:
    old: Benchmark
    new: Benchmark
    standard_changed: bool
    source_note_changed: bool
    key_factors: list[KeyFactorDiff]
    context_added: list[str]
    context_removed: list[str]

    @property
    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0, "unchanged": 0}
        for kf in self.key_factors:
            out[kf.status] += 1
        return out

    @property
    def identical(self) -> bool:
        return (not self.standard_changed and not self.source_note_changed
                and not self.context_added and not self.context_removed
                and all(kf.status == "unchanged" and not kf.moved for kf in self.key_factors))


def _diff_key_factor(code: str, old: dict, new: dict, moved: bool) -> KeyFactorDiff:
    d = KeyFactorDiff(code=code, status="unchanged", old=old, new=new, moved=moved)
    d.changed_fields = [f for f in ("title", "description") if old[f] != new[f]]
    d.roles_added = [charter_role_label(r) for r in new["charter_roles"]
                     if r not in old["charter_roles"]]
    d.roles_removed = [charter_role_label(r) for r in old["charter_roles"]
                       if r not in new["charter_roles"]]
    d.questions_added = [q for q in new["guide_questions"] if q not in old["guide_questions"]]
    d.questions_removed = [q for q in old["guide_questions"] if q not in new["guide_questions"]]
    d.questions_reordered = (not d.questions_added and not d.questions_removed
                             and old["guide_questions"] != new["guide_questions"])
    if (d.changed_fields or d.roles_added or d.roles_removed or d.questions_added
            or d.questions_removed or d.questions_reordered):
        d.status = "changed"
    return d


def compare(old: Benchmark, new: Benchmark) -> BenchmarkDiff:
    a, b = (benchmark_to_dict(old, translations=False),
            benchmark_to_dict(new, translations=False))
    old_kfs = {kf["code"]: kf for kf in a["key_factors"]}
    new_kfs = {kf["code"]: kf for kf in b["key_factors"]}
    old_order = [c for c in old_kfs if c in new_kfs]
    new_order = [c for c in new_kfs if c in old_kfs]
    rows = []
    for code, kf in new_kfs.items():
        if code in old_kfs:
            moved = old_order.index(code) != new_order.index(code)
            rows.append(_diff_key_factor(code, old_kfs[code], kf, moved))
        else:
            rows.append(KeyFactorDiff(code=code, status="added", old=None, new=kf))
    rows += [KeyFactorDiff(code=code, status="removed", old=kf, new=None)
             for code, kf in old_kfs.items() if code not in new_kfs]
    return BenchmarkDiff(
        old=old, new=new,
        standard_changed=a["standard"] != b["standard"],
        source_note_changed=a["source_note"] != b["source_note"],
        key_factors=rows,
        context_added=[t for t in b["context_factors"] if t not in a["context_factors"]],
        context_removed=[t for t in a["context_factors"] if t not in b["context_factors"]],
    )
