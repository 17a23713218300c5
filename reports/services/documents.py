"""Writes: rendering PDFs once per set of inputs and keeping them.

A document is identified by its subject (e.g. "revision:12") and the fingerprint of everything it
is rendered from (text, numbers, template). Asking again for the same fingerprint returns the
stored file at once; a changed input has a new fingerprint and is rendered anew.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.template.loader import get_template
from django.utils import timezone

from reports.models import RenderedPdf
from reports.pdf import html_to_pdf_pages

log = logging.getLogger(__name__)
STYLESHEET_RE = re.compile(r"""static\s+['"]([^'"]+\.css)['"]""")


class RenderFailed(RuntimeError):
    """The PDF could not be made; the reason is kept on its RenderedPdf row."""


def template_fingerprint(*template_names: str) -> str:
    """Changes when any of the templates, or a stylesheet they link with {% static %}, changes."""
    digest = hashlib.sha256()
    for name in template_names:
        source = Path(get_template(name).origin.name).read_bytes()
        digest.update(source)
        for stylesheet in STYLESHEET_RE.findall(source.decode("utf-8")):
            found = finders.find(stylesheet)
            if found:
                digest.update(Path(found).read_bytes())
    return digest.hexdigest()


def fingerprint_of(*parts: Any) -> str:
    return hashlib.sha256(
        json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def stored_pdf(subject: str, fingerprint: str) -> RenderedPdf | None:
    return RenderedPdf.objects.filter(
        subject=subject, fingerprint=fingerprint, status=RenderedPdf.Status.DONE
    ).first()


def claim(kind: str, subject: str, fingerprint: str, user=None) -> tuple[RenderedPdf, bool]:
    """The render row for these inputs, and whether it still has to be rendered."""
    try:
        with transaction.atomic():
            document, created = RenderedPdf.objects.get_or_create(
                subject=subject,
                fingerprint=fingerprint,
                defaults={"kind": kind, "requested_by": user},
            )
    except IntegrityError:  # another request created it in the meantime
        document, created = RenderedPdf.objects.get(subject=subject, fingerprint=fingerprint), False
    if document.status == RenderedPdf.Status.FAILED:
        document.status = RenderedPdf.Status.QUEUED
        document.error = ""
        document.save(update_fields=["status", "error", "updated_at"])
        return document, True
    if document.status == RenderedPdf.Status.RUNNING and _abandoned(document):
        # Its worker died and the task did not come back (a broker that lost its queue): the
        # render would wait forever. Queued again; the update only wins if nothing moved since.
        requeued = RenderedPdf.objects.filter(
            pk=document.pk, status=RenderedPdf.Status.RUNNING, updated_at=document.updated_at
        ).update(status=RenderedPdf.Status.QUEUED, progress=0, step="", updated_at=timezone.now())
        document.refresh_from_db()
        if requeued:
            log.warning(
                "PDF %s (%s) was abandoned by its worker; queued again", document.pk, subject
            )
            return document, True
    return document, created or document.status == RenderedPdf.Status.QUEUED


def _abandoned(document: RenderedPdf) -> bool:
    """Rendering, but silent for longer than the broker waits before handing a task taken by a
    worker to another one: that worker is gone, and so is the task if it has not come back."""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    silence = datetime.timedelta(seconds=options.get("visibility_timeout", 60 * 60))
    return document.updated_at < timezone.now() - silence


def render_into(
    document: RenderedPdf,
    build_html: Callable[[Callable[[int, str], None]], str],
) -> RenderedPdf:
    """Render the HTML that `build_html(progress)` returns and store the PDF on `document`."""

    def progress(percent: int, step: str) -> None:
        RenderedPdf.objects.filter(pk=document.pk).update(
            progress=percent, step=step, updated_at=timezone.now()
        )

    RenderedPdf.objects.filter(pk=document.pk).update(
        status=RenderedPdf.Status.RUNNING,
        progress=5,
        step="Collecting the content",
        updated_at=timezone.now(),  # the render's last sign of life (see _abandoned)
    )
    try:
        html = build_html(progress)
        progress(60, "Laying out the pages")
        pdf, pages = html_to_pdf_pages(html)
    except (OperationalError, InterfaceError):
        # The database went away: leave it queued, the task is retried.
        RenderedPdf.objects.filter(pk=document.pk).update(status=RenderedPdf.Status.QUEUED)
        raise
    except Exception as error:
        document.status = RenderedPdf.Status.FAILED
        document.error = f"{type(error).__name__}: {error}"[:2000]
        document.finished_at = timezone.now()
        document.save(update_fields=["status", "error", "finished_at", "updated_at"])
        raise RenderFailed(document.error) from error
    document.file.save(f"{document.subject}.pdf", ContentFile(pdf), save=False)
    document.size = len(pdf)
    document.pages = pages
    document.status = RenderedPdf.Status.DONE
    document.progress = 100
    document.step = ""
    document.finished_at = timezone.now()
    document.save()
    return document


def render_now(kind: str, subject: str, fingerprint: str, build_html, user=None) -> RenderedPdf:
    """The stored PDF for these inputs, rendered here and now if it is not there yet."""
    document = stored_pdf(subject, fingerprint)
    if document is not None:
        return document
    document, pending = claim(kind, subject, fingerprint, user)
    if pending or document.status != RenderedPdf.Status.DONE:
        document = render_into(document, build_html)
    return document
