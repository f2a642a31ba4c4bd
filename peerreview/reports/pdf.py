"""Rendering report HTML to PDF with WeasyPrint, in a child process with a time limit.

The child comes from a "forkserver" that has already imported WeasyPrint, so a render does
not pay for Python's start-up; it gets the HTML and the report stylesheet as strings and
returns the PDF bytes, the page count and its peak memory. It never touches the database.

WeasyPrint fetches stylesheets, fonts and images only through :class:`StaticFetcher`, which
serves the application's own ``static/`` folder under a fixed, unresolvable origin and refuses
everything else (other hosts, ``file:``, ``data:``, paths that leave the folder).
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from peerreview.domain import DomainError

log = logging.getLogger(__name__)

STATIC_ORIGIN = "https://static.peerreview.invalid"
STATIC_PREFIX = "/static/"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STYLESHEET = "css/report.css"
DEFAULT_TIME_LIMIT = 60


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


def render_here(html: str, css: str | None = None, static_dir: Path = STATIC_DIR) -> tuple[bytes, int]:
    """Render in this process (the child calls this; the benchmark uses it as the floor)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fetcher = make_fetcher(static_dir)
    # Without a font configuration WeasyPrint ignores @font-face and falls back to system
    # fonts, so the shipped Noto fonts would never be embedded.
    fonts = FontConfiguration()
    css = stylesheet_text(static_dir) if css is None else css
    sheet = weasyprint.CSS(string=css, base_url=f"{STATIC_ORIGIN}{STATIC_PREFIX}{STYLESHEET}",
                           url_fetcher=fetcher, font_config=fonts)
    doc = weasyprint.HTML(string=html, base_url=f"{STATIC_ORIGIN}/", url_fetcher=fetcher).render(
        stylesheets=[sheet], font_config=fonts)
    return doc.write_pdf(), len(doc.pages)


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
            raise RenderError(f"Making the PDF took longer than {time_limit:g} seconds and was "
                              "stopped. Nothing was changed. Try again; if it keeps happening, "
                              "tell the secretariat.")
        try:
            return receiver.recv()
        except EOFError:
            proc.join(1)
            raise RenderError("The PDF renderer stopped unexpectedly (exit code "
                              f"{proc.exitcode}). Nothing was changed. Try again.") from None
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
        raise RenderError("The PDF could not be made, so nothing was changed. The error has "
                          f"been logged ({result[1][:160]}).")
    _, data, pages, peak = result
    seconds = time.perf_counter() - started
    log.info("Rendered a report PDF: %d pages, %d bytes, %.2f s, peak %d MB",
             pages, len(data), seconds, peak // 1024)
    return Rendered(data=data, pages=pages, seconds=seconds, peak_memory_kb=peak)


def _configured_time_limit() -> float:
    from flask import current_app, has_app_context

    if has_app_context():
        return float(current_app.config.get("REPORT_RENDER_TIME_LIMIT", DEFAULT_TIME_LIMIT))
    return DEFAULT_TIME_LIMIT
