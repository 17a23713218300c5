"""The one way this project makes a PDF: a template and its context in, PDF bytes out.

WeasyPrint may fetch only the project's own static files (stylesheets, fonts, images) and inline
`data:` URLs (charts): text typed by a user can never make it fetch a URL or read a file. Any
other reference is refused and left out of the document.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

# Documents are rendered against this made-up origin: "/static/…" resolves under it and is
# served from the static folders; nothing is ever requested from the network.
BASE_URL = "https://pdf.poa-reports.invalid/"


class RefusedResource(ValueError):
    """A document referred to something other than the project's static files."""


def static_only_fetcher(url: str, timeout: int = 10, ssl_context=None) -> URLFetcherResponse:
    """WeasyPrint's URL fetcher: the project's static files and `data:` URLs, nothing else."""
    if url.startswith("data:"):
        return URLFetcher(allowed_protocols={"data"}).fetch(url)
    parts = urlsplit(url)
    prefix = urlsplit(BASE_URL)
    static_path = "/" + settings.STATIC_URL.strip("/") + "/"
    if (
        parts.scheme != prefix.scheme
        or parts.netloc != prefix.netloc
        or not parts.path.startswith(static_path)
        or parts.query
    ):
        log.warning("PDF rendering refused to fetch %r", url[:200])
        raise RefusedResource(f"Not a static file of the project: {url[:200]}")
    relative = unquote(parts.path[len(static_path) :])
    found = finders.find(relative) if ".." not in Path(relative).parts else None
    if not found and settings.STATIC_ROOT:
        candidate = (Path(settings.STATIC_ROOT) / relative).resolve()
        if candidate.is_file() and Path(settings.STATIC_ROOT).resolve() in candidate.parents:
            found = str(candidate)
    if not found:
        raise RefusedResource(f"No such static file: {relative[:200]}")
    mime_type, _ = mimetypes.guess_type(found)
    return URLFetcherResponse(
        url,
        body=Path(found).read_bytes(),
        headers={"Content-Type": mime_type or "application/octet-stream"},
    )


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint (65 and later) takes a URLFetcher object; this one only asks
    `static_only_fetcher` (looked up at call time, so tests can watch it)."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        return static_only_fetcher(url)


def html_to_pdf_pages(html: str) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    return document.write_pdf(), len(document.pages)


def html_to_pdf(html: str) -> bytes:
    return html_to_pdf_pages(html)[0]


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render `template_name` with `context` (HTML + CSS for print) into PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
