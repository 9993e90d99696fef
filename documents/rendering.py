"""HTML → PDF with WeasyPrint, safely and the same way everywhere.

- The URL fetcher serves only the portal's own static files (`portal:/static/…`, found by Django's
  staticfiles finders or in STATIC_ROOT) and `data:` URIs (the QR code); `file://`, `http(s)://` and every
  other scheme are refused, so a name typed into a document cannot make the renderer read the disk or
  reach the network.
- The fonts are the bundled Liberation Serif (Times New Roman metrics, every Vietnamese diacritic),
  declared in `static/documents/document.css`; the machine's fonts are not needed.
- One `FontConfiguration` per process (saves ~25 ms a render, ECOSYSTEM-NOTES §3), and each of our own
  stylesheets (`<link rel="stylesheet" href="portal:/static/…">`) parsed once per process and file version
  instead of at every render: parsing document.css was a quarter of a báo cáo's CPU.
- Progress: WeasyPrint's `weasyprint.progress` logger reports each step and each laid-out page; `progress`
  receives a percentage.
"""

import logging
import mimetypes
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

BASE_URL = "portal:/"
STATIC_PREFIX = "portal:/static/"
DOCUMENT_CSS = "documents/document.css"


class RefusedURL(ValueError):
    pass


def static_path(url: str) -> Path | None:
    """The file of a `portal:/static/<name>` URL, or None: no '..', nothing outside the static folders."""
    if not url.startswith(STATIC_PREFIX):
        return None
    name = url[len(STATIC_PREFIX) :].split("?")[0].split("#")[0]
    if not name or ".." in name.split("/") or name.startswith("/") or "\\" in name:
        return None
    found = finders.find(name)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / name).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PortalFetcher(URLFetcher):
        """Only our static files and data: URIs; everything else raises (WeasyPrint logs it and goes on)."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path(url)
            if path is None:
                raise RefusedURL(f"refused URL in a document: {url[:80]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return PortalFetcher


_font_config = None
_fetcher = None


def _shared():
    global _font_config, _fetcher
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
        _fetcher = _fetcher_class()(allowed_protocols=("data", "portal"), timeout=5)
    return _font_config, _fetcher


def url_fetcher():
    return _shared()[1]


# Exactly the link our templates write (templates/documents/base.html); anything else stays in the HTML.
_OWN_STYLESHEET = re.compile(r'<link rel="stylesheet" href="(portal:/static/[^"<>]+\.css)">')
_stylesheets: dict[tuple[str, int], object] = {}
_stylesheets_lock = threading.Lock()


def _stylesheet(url: str):
    """The parsed `weasyprint.CSS` of one of our static stylesheets, kept per process and file version (its
    @font-face rules are registered once, in the shared FontConfiguration)."""
    from weasyprint import CSS

    path = static_path(url)
    if path is None:
        raise RefusedURL(f"refused URL in a document: {url[:80]}")
    key = (url, path.stat().st_mtime_ns)
    with _stylesheets_lock:
        sheet = _stylesheets.get(key)
        if sheet is None:
            font_config, fetcher = _shared()
            sheet = CSS(url=url, url_fetcher=fetcher, font_config=font_config)
            for old in [k for k in _stylesheets if k[0] == url]:
                del _stylesheets[old]
            _stylesheets[key] = sheet
    return sheet


def _own_stylesheets(html: str) -> tuple[str, list]:
    """The HTML without the links to our own stylesheets, and those stylesheets parsed (cached). WeasyPrint
    applies stylesheets passed apart after the document's own: our templates put the link first, before any
    <style> of a template's head, and no <style> overrides a property the stylesheet sets."""
    sheets = []

    def take(match):
        sheets.append(_stylesheet(match.group(1)))
        return ""

    return _OWN_STYLESHEET.sub(take, html), sheets


class _ProgressHandler(logging.Handler):
    """Turns WeasyPrint's progress log (Step 1…7, "Page n") into a percentage for `callback`."""

    STEP_SHARE = {"Step 1": 2, "Step 2": 4, "Step 3": 8, "Step 4": 15, "Step 5": 20, "Step 6": 85, "Step 7": 95}

    def __init__(self, callback: Callable[[int], None], expected_pages: int):
        super().__init__(level=logging.INFO)
        self.callback = callback
        self.expected = max(expected_pages, 1)
        self.last = -1

    def emit(self, record):
        message = record.getMessage()
        percent = None
        for step, share in self.STEP_SHARE.items():
            if message.startswith(step):
                percent = share
                if "Page" in message:
                    try:
                        page = int(message.rsplit(" ", 1)[-1])
                    except ValueError:
                        page = 0
                    percent = 20 + min(60, int(60 * page / self.expected))
                break
        if percent is not None and percent > self.last:
            self.last = percent
            try:
                self.callback(percent)
            except Exception:  # noqa: BLE001 - progress is best-effort; a failing callback must not stop the render
                logging.getLogger(__name__).exception("progress callback failed")


@dataclass
class RenderResult:
    pdf: bytes
    pages: int
    anchors: dict  # anchor id -> {"page": n (0-based), "box": [x1, y1, x2, y2] in PDF points, origin bottom left}
    seconds: float


def html_render(template: str, context: dict) -> str:
    return render_to_string(template, {**context, "css_url": STATIC_PREFIX + DOCUMENT_CSS})


def pdf_render(
    html: str, *, progress: Callable[[int], None] | None = None, expected_pages: int = 1, anchor_prefix: str = "sig-"
) -> RenderResult:
    """Render `html` to PDF bytes; `anchors` gives the position (in PDF points, origin bottom left) of each
    element whose id starts with `anchor_prefix` (the signature block), for a visible digital signature."""
    from weasyprint import HTML

    font_config, fetcher = _shared()
    started = time.perf_counter()
    handler = None
    logger = logging.getLogger("weasyprint.progress")
    if progress is not None:
        handler = _ProgressHandler(progress, expected_pages)
        logger.addHandler(handler)
        previous_level = logger.level
        logger.setLevel(logging.INFO)
    try:
        html, sheets = _own_stylesheets(html)
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
            stylesheets=sheets, font_config=font_config
        )
        anchors = {}
        for index, page in enumerate(document.pages):
            height_pt = page.height * 0.75
            for name, (x1, y1, x2, y2) in page.anchors.items():
                if name.startswith(anchor_prefix) and name not in anchors:
                    # CSS px → PDF points, origin moved to the bottom left: a box for pyHanko's SigFieldSpec.
                    anchors[name] = {
                        "page": index,
                        "box": [
                            round(x1 * 0.75, 2),
                            round(height_pt - y2 * 0.75, 2),
                            round(x2 * 0.75, 2),
                            round(height_pt - y1 * 0.75, 2),
                        ],
                    }
        pdf = document.write_pdf()
    finally:
        if handler is not None:
            logger.removeHandler(handler)
            logger.setLevel(previous_level)
    return RenderResult(pdf=pdf, pages=len(document.pages), anchors=anchors, seconds=time.perf_counter() - started)
