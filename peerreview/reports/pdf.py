"""Rendering report HTML to PDF with WeasyPrint, in a child process with a time limit.

The child comes from a "forkserver" that has already imported WeasyPrint, so a render does
not pay for Python's start-up; it gets the HTML and the report stylesheet as strings and
returns the PDF bytes, the page count and its peak memory. It never touches the database.

WeasyPrint fetches stylesheets, fonts and images only through :class:`StaticFetcher`, which
serves the application's own ``static/`` folder under a fixed, unresolvable origin and refuses
everything else (other hosts, ``file:``, ``data:``, paths that leave the folder).

Every PDF is made the same way (:func:`render_here`):

- **Accessible and archivable**: WeasyPrint's ``pdf/ua-1`` variant (tagged structure, document
  language, the title shown instead of the file name, XMP metadata), with the parts of PDF/A-2a
  added by :func:`archival_finisher` (sRGB output intent, file identifier, printable
  annotations, and an XMP packet that declares both PDF/A-2a and PDF/UA-1).
- **Only the shipped fonts**: fontconfig is pointed at an empty configuration
  (``fonts.conf`` beside this module) for the render, so the only fonts are the stylesheet's
  ``@font-face`` files from ``static/fonts``. The output is the same on every server, and a
  character none of them covers would show as a missing glyph here too, never as a system font.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from peerreview.domain import DomainError
from peerreview.i18n import gettext as _

log = logging.getLogger(__name__)

STATIC_ORIGIN = "https://static.peerreview.invalid"
STATIC_PREFIX = "/static/"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STYLESHEET = "css/report.css"
DEFAULT_TIME_LIMIT = 60
# fontconfig without any font folder: only the @font-face fonts of the stylesheet exist
EMPTY_FONTCONFIG = Path(__file__).resolve().parent / "fonts.conf"
# WeasyPrint's PDF/UA-1, plus what PDF/A-2 needs that the variant does not add itself
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_identifier": True, "output_intent": "srgb"}


class RenderError(DomainError):
    """The PDF could not be made. Nothing was stored."""


@dataclass
class Rendered:
    data: bytes
    pages: int
    seconds: float
    peak_memory_kb: int


class RefusedURL(ValueError):
    pass


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFetcher(URLFetcher):
        """Serves ``STATIC_ORIGIN/static/...`` from the static folder; anything else raises."""

        def __init__(self, static_dir: Path = STATIC_DIR):
            super().__init__(timeout=1, allowed_protocols=("https",), allow_redirects=False)
            self.static_dir = Path(static_dir).resolve()
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin != STATIC_ORIGIN or not parts.path.startswith(STATIC_PREFIX) or parts.query:
                self.refused.append(url)
                raise RefusedURL(f"Refused {url[:200]!r}: a report uses only the application's "
                                 "own static files.")
            path = (self.static_dir / unquote(parts.path[len(STATIC_PREFIX):])).resolve()
            if not path.is_relative_to(self.static_dir) or not path.is_file():
                self.refused.append(url)
                raise RefusedURL(f"Refused {url[:200]!r}: no such static file.")
            return URLFetcherResponse(url, body=path.read_bytes(),
                                      headers={"Content-Type": _mime(path)})

    return StaticFetcher


def _mime(path: Path) -> str:
    return {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff2": "font/woff2",
            ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}.get(
        path.suffix.lower(), "application/octet-stream")


def make_fetcher(static_dir: Path = STATIC_DIR):
    return _fetcher_class()(static_dir)


def stylesheet_text(static_dir: Path = STATIC_DIR) -> str:
    return (Path(static_dir) / STYLESHEET).read_text(encoding="utf-8")


@contextmanager
def shipped_fonts_only():
    """Point fontconfig at a configuration with no font folder while WeasyPrint lays out.

    WeasyPrint reads ``FONTCONFIG_FILE`` each time it makes a :class:`FontConfiguration`, so
    system fonts (DejaVu, Liberation ...) are never used, not even for a character that the
    shipped fonts lack.
    """
    before = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(EMPTY_FONTCONFIG)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("FONTCONFIG_FILE", None)
        else:
            os.environ["FONTCONFIG_FILE"] = before


XMP_ARCHIVAL = b"""<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" \
xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" rdf:about="" pdfaid:part="2" pdfaid:conformance="A"/>
<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" \
xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#" rdf:about="">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""


def archival_finisher(document, pdf_file) -> None:
    """Add to WeasyPrint's PDF/UA-1 output what PDF/A-2a asks for.

    WeasyPrint takes one ``pdf_variant``; its ``pdf/a-2a`` and ``pdf/ua-1`` variants differ only
    in the XMP identification, the output intent's subtype and the annotations' print flag
    (both tag the document; ``PDF_OPTIONS`` adds the sRGB intent and the file identifier).
    """
    import pydyf

    for intent in pdf_file.catalog.get("OutputIntents", ()):
        intent["S"] = "/GTS_PDFA1"
    metadata = None
    for obj in pdf_file.objects:
        if isinstance(obj, dict) and obj.get("Type") == "/Annot":
            obj["F"] = 4  # printable
        elif isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            metadata = obj
    if metadata is None:  # pragma: no cover - the pdf/ua-1 variant always writes XMP
        return
    rdf = document.metadata.generate_rdf_metadata("ua", 1, None)
    end = rdf.rindex(b"</rdf:RDF>")
    packet = (b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
              b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + rdf[:end] + XMP_ARCHIVAL + rdf[end:]
              + b'</x:xmpmeta>\n<?xpacket end="r"?>')
    metadata.stream = [packet]
    metadata.compress = False  # PDF/A: the XMP packet stays readable


def render_here(html: str, css: str | None = None, static_dir: Path = STATIC_DIR) -> tuple[bytes, int]:
    """Render in this process (the child calls this; the benchmark uses it as the floor)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fetcher = make_fetcher(static_dir)
    css = stylesheet_text(static_dir) if css is None else css
    with shipped_fonts_only():
        # Without a font configuration WeasyPrint ignores @font-face, so the shipped Noto
        # fonts would never be embedded.
        fonts = FontConfiguration()
        sheet = weasyprint.CSS(string=css, base_url=f"{STATIC_ORIGIN}{STATIC_PREFIX}{STYLESHEET}",
                               url_fetcher=fetcher, font_config=fonts)
        doc = weasyprint.HTML(string=html, base_url=f"{STATIC_ORIGIN}/", url_fetcher=fetcher).render(
            stylesheets=[sheet], font_config=fonts, **PDF_OPTIONS)
        data = doc.write_pdf(finisher=archival_finisher, **PDF_OPTIONS)
    return data, len(doc.pages)


def _child(conn, html: str, css: str | None, static_dir: str) -> None:
    """Runs in the child process: send ("ok", pdf, pages, peak KB) or ("error", text)."""
    try:
        data, pages = render_here(html, css, Path(static_dir))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        conn.send(("ok", data, pages, peak))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:500]))
    finally:
        conn.close()


_context = None


def _get_context():
    global _context
    if _context is None:
        methods = multiprocessing.get_all_start_methods()
        if "forkserver" in methods:
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(["weasyprint", "peerreview.reports.pdf"])
        else:  # pragma: no cover - platforms without fork
            _context = multiprocessing.get_context("spawn")
    return _context


def run_in_child(target, args: tuple, time_limit: float):
    """Run ``target(conn, *args)`` in a child; return what it sends, or raise RenderError."""
    ctx = _get_context()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(sender, *args), daemon=True)
    proc.start()
    sender.close()
    try:
        if not receiver.poll(time_limit):
            raise RenderError(_("Making the PDF took longer than %(seconds)s seconds and was "
                                "stopped. Nothing was changed. Try again; if it keeps happening, "
                                "tell the secretariat.", seconds=f"{time_limit:g}"))
        try:
            return receiver.recv()
        except EOFError:
            proc.join(1)
            raise RenderError(_("The PDF renderer stopped unexpectedly (exit code %(code)s). "
                                "Nothing was changed. Try again.", code=proc.exitcode)) from None
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)


def render_pdf(html: str, *, time_limit: float | None = None, css: str | None = None) -> Rendered:
    """The PDF for ``html`` with the report stylesheet; RenderError if it fails or is too slow."""
    if time_limit is None:
        time_limit = _configured_time_limit()
    started = time.perf_counter()
    result = run_in_child(_child, (html, css, str(STATIC_DIR)), time_limit)
    if result[0] != "ok":
        log.error("Report rendering failed: %s", result[1])
        raise RenderError(_("The PDF could not be made, so nothing was changed. The error has "
                            "been logged (%(error)s).", error=result[1][:160]))
    _status, data, pages, peak = result
    seconds = time.perf_counter() - started
    log.info("Rendered a report PDF: %d pages, %d bytes, %.2f s, peak %d MB",
             pages, len(data), seconds, peak // 1024)
    return Rendered(data=data, pages=pages, seconds=seconds, peak_memory_kb=peak)


def _configured_time_limit() -> float:
    from flask import current_app, has_app_context

    if has_app_context():
        return float(current_app.config.get("REPORT_RENDER_TIME_LIMIT", DEFAULT_TIME_LIMIT))
    return DEFAULT_TIME_LIMIT
