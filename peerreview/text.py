"""Small text helpers shared by mail, downloads and pages."""

from __future__ import annotations

import re
import unicodedata

# Bidirectional formatting characters: embeddings, overrides, isolates and the marks. In a
# file name or an e-mail subject they can make text read differently from what it is
# ("invoice‮fdp.exe" shows as "invoiceexe.pdf").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_BIDI_RE = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")


def strip_bidi_controls(value: str) -> str:
    return _BIDI_RE.sub("", value or "")


def safe_filename(value: str, *, default: str = "download", max_length: int = 120) -> str:
    """A file name to offer for download: no bidirectional or other control characters, no
    path separators or characters that Windows refuses, blanks collapsed, at most
    ``max_length`` characters (the extension kept). Letters of every language stay."""
    text = unicodedata.normalize("NFC", strip_bidi_controls(value))
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
                   for ch in text if unicodedata.category(ch) != "Cf")
    text = re.sub(r'[\\/:*?"<>|]+', "-", text)
    text = " ".join(text.split()).strip(" .-")
    if not text:
        return default
    if len(text) > max_length:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 8:
            text = stem[: max_length - len(ext) - 1].rstrip(" .-") + "." + ext
        else:
            text = text[:max_length].rstrip(" .-")
    return text
