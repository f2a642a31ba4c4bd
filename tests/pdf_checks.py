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


MM = 72 / 25.4


def outside(pages: list[Page], *, left_mm: float, right_mm: float, top_mm: float = 0,
            bottom_mm: float = 0, skip_pages: tuple[int, ...] = ()) -> list[Word]:
    """Words drawn outside the page's text area (1 pt of tolerance): left of the left margin,
    right of the right margin, or off the page; ``top_mm``/``bottom_mm`` bound the running
    headers and footers, which sit in the top and bottom margins."""
    bad = []
    for number, page in enumerate(pages, 1):
        if number in skip_pages:
            continue
        for w in page.words:
            if (w.x0 < left_mm * MM - 1 or w.x1 > page.width - right_mm * MM + 1
                    or w.y0 < top_mm * MM - 1 or w.y1 > page.height - bottom_mm * MM + 1):
                bad.append(w)
    return bad


def overlapping(pages: list[Page], *, min_share: float = 0.25) -> list[tuple[Word, Word]]:
    """Pairs of words on the same page whose boxes overlap (text printed over text)."""
    pairs = []
    for page in pages:
        ws = sorted(page.words, key=lambda w: w.y0)
        for i, a in enumerate(ws):
            for b in ws[i + 1:]:
                if b.y0 >= a.y1:
                    break
                dx = min(a.x1, b.x1) - max(a.x0, b.x0)
                dy = min(a.y1, b.y1) - max(a.y0, b.y0)
                if dx <= 0 or dy <= 0:
                    continue
                smaller = min((a.x1 - a.x0) * (a.y1 - a.y0), (b.x1 - b.x0) * (b.y1 - b.y0)) or 1
                if dx * dy / smaller > min_share:
                    pairs.append((a, b))
    return pairs


FONT_FILES = {  # the embedded font's family (as the stylesheets name it) -> a shipped file
    "Report-Serif": "NotoSerif-Regular.ttf", "Report-Sans": "NotoSans-Regular.ttf",
    "Report-Math": "NotoSansMath-Regular.ttf", "Report-Symbols": "NotoSansSymbols2-Regular.ttf",
    "Report-Georgian": "NotoSansGeorgian-Regular.ttf", "Report-Armenian": "NotoSansArmenian-Regular.ttf",
}


def drawn_characters(data: bytes) -> dict[str, set[str]]:
    """{embedded font name: every character its glyphs stand for (its ToUnicode map)}."""
    import pikepdf

    out: dict[str, set[str]] = {}
    with pikepdf.open(BytesIO(data)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                name = str(font.BaseFont).lstrip("/").split("+", 1)[-1]
                cmap = font.get("/ToUnicode")
                if cmap is None:
                    continue
                chars = out.setdefault(name, set())
                body = cmap.read_bytes().decode("latin-1")
                for block in re.findall(r"beginbfchar(.*?)endbfchar", body, re.S):
                    for _cid, uni in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                        chars.update(bytes.fromhex(uni).decode("utf-16-be"))
                for block in re.findall(r"beginbfrange(.*?)endbfrange", body, re.S):
                    for lo, hi, uni in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                        start = int(uni, 16)
                        chars.update(chr(start + i) for i in range(int(hi, 16) - int(lo, 16) + 1))
    return out


def missing_glyphs(data: bytes, fonts_dir: Path) -> dict[str, set[str]]:
    """{font: characters drawn with it that its shipped file has no glyph for} (boxes on paper),
    and {font: {"?"}} for an embedded font that is not one of ours."""
    from fontTools.ttLib import TTFont

    cmaps: dict[str, set[int]] = {}
    missing: dict[str, set[str]] = {}
    for name, chars in drawn_characters(data).items():
        family = "-".join(name.split("-")[:2])
        if family not in FONT_FILES:
            missing[name] = {"?"}
            continue
        if family not in cmaps:
            cmaps[family] = set(TTFont(fonts_dir / FONT_FILES[family], lazy=True).getBestCmap())
        lacking = {c for c in chars if ord(c) not in cmaps[family] and not c.isspace()}
        if lacking:
            missing[name] = lacking
    return missing
