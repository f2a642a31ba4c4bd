"""Side-by-side comparison of two saved versions of a text, word by word (difflib)."""

from __future__ import annotations

import difflib
import re

from markupsafe import Markup, escape

_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> tuple[Markup, Markup]:
    """(old with removals marked <del>, new with additions marked <ins>)."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        old_part, new_part = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(old_part)
            right.append(new_part)
            continue
        if i2 > i1:
            left.append(Markup("<del>{}</del>").format(old_part))
        if j2 > j1:
            right.append(Markup("<ins>{}</ins>").format(new_part))
    return Markup("").join(left), Markup("").join(right)


def compare(old: dict, new: dict, labels: dict[str, str]) -> list[dict]:
    """Per field: its label, whether it changed, and both sides marked up."""
    rows = []
    for key, label in labels.items():
        a, b = old.get(key), new.get(key)
        a_text = "" if a is None else (", ".join(map(str, a)) if isinstance(a, list) else str(a))
        b_text = "" if b is None else (", ".join(map(str, b)) if isinstance(b, list) else str(b))
        left, right = word_diff(a_text, b_text)
        rows.append({"key": key, "label": label, "changed": a_text != b_text, "old": left, "new": right})
    return rows
