"""What the PDF tests read from a PDF: its structure tree and metadata (pikepdf), where each
word is drawn (pdftotext -bbox) and which fonts are embedded (pdffonts)."""

from __future__ import annotations

import html
import re
import subprocess
import uuid
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path


@dataclass
class Structure:
    """What a reader of a tagged PDF relies on."""

    tags: list[str] = field(default_factory=list)            # every structure type, in order
    headings: list[int] = field(default_factory=list)        # heading levels, in order
    figures: list[str | None] = field(default_factory=list)  # each figure's alternative text
    marked: bool = False
    lang: str = ""
    title: str = ""
    display_doc_title: bool = False
    xmp_title: str = ""
    pdfua_part: str = ""
    pdfa_part: str = ""
    pdfa_conformance: str = ""
    has_tree: bool = False


def structure(data: bytes) -> Structure:
    import pikepdf

    out = Structure()
    with pikepdf.open(BytesIO(data)) as pdf:
        root = pdf.Root
        out.marked = bool(root.get("/MarkInfo", {}).get("/Marked", False))
        out.lang = str(root.get("/Lang", ""))
        out.title = str(pdf.docinfo.get("/Title", ""))
        out.display_doc_title = bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False))
        with pdf.open_metadata() as meta:
            out.xmp_title = str(meta.get("dc:title", ""))
            out.pdfua_part = str(meta.get("pdfuaid:part", ""))
            out.pdfa_part = str(meta.get("pdfaid:part", ""))
            out.pdfa_conformance = str(meta.get("pdfaid:conformance", ""))
        tree = root.get("/StructTreeRoot")
        out.has_tree = tree is not None
        if tree is not None:
            _walk(tree.get("/K"), out)
    return out


def _walk(node, out: Structure) -> None:
    import pikepdf

    if node is None:
        return
    if isinstance(node, pikepdf.Array):
        for kid in node:
            _walk(kid, out)
        return
    if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
        return
    tag = str(node.S)[1:]
    out.tags.append(tag)
    if re.fullmatch(r"H[1-6]", tag):
        out.headings.append(int(tag[1]))
    if tag == "Figure":
        alt = node.get("/Alt")
        out.figures.append(str(alt) if alt is not None else None)
    _walk(node.get("/K"), out)


def heading_levels_skip(levels: list[int]) -> list[tuple[int, int]]:
    """Pairs (previous, next) where the outline jumps down more than one level."""
    skips, previous = [], 0
    for level in levels:
        if level > previous + 1:
            skips.append((previous, level))
        previous = level
    return skips


@dataclass
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Page:
    width: float
    height: float
    words: list[Word]


def words(data: bytes, tmp_path: Path) -> list[Page]:
    """Every word with its box, per page (pdftotext -bbox, in PDF points from the top left)."""
    path = tmp_path / f"w-{uuid.uuid4().hex[:8]}.pdf"
    path.write_bytes(data)
    xhtml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                           capture_output=True, text=True).stdout
    pages: list[Page] = []
    for match in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xhtml, re.S):
        page = Page(float(match[1]), float(match[2]), [])
        for w in re.finditer(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" '
                             r'yMax="([\d.-]+)">(.*?)</word>', match[3]):
            page.words.append(Word(len(pages) + 1, float(w[1]), float(w[2]), float(w[3]),
                                   float(w[4]), html.unescape(w[5])))
        pages.append(page)
    return pages


def fonts(data: bytes, tmp_path: Path) -> list[dict]:
    """pdffonts' table: name, type, embedded, subset, unicode map."""
    path = tmp_path / f"f-{uuid.uuid4().hex[:8]}.pdf"
    path.write_bytes(data)
    table = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in table.splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object-id generation
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def text(data: bytes, tmp_path: Path, *, raw: bool = True) -> str:
    path = tmp_path / f"t-{uuid.uuid4().hex[:8]}.pdf"
    path.write_bytes(data)
    args = ["pdftotext", "-raw"] if raw else ["pdftotext"]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout
