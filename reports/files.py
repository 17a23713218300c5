"""What an uploaded file really is, judged by its content, never by its name."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from typing import IO

from django.http import FileResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000


@dataclass(frozen=True)
class FileKind:
    label: str | Promise  # shown to people; translated when shown
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("PDF", "application/pdf", (".pdf",))  # the same in every language
PNG = FileKind(gettext_lazy("PNG image"), "image/png", (".png",))
JPEG = FileKind(gettext_lazy("JPEG image"), "image/jpeg", (".jpg", ".jpeg"))
DOCX = FileKind(
    gettext_lazy("Word document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    gettext_lazy("Excel workbook"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
ODT = FileKind(
    gettext_lazy("OpenDocument text"), "application/vnd.oasis.opendocument.text", (".odt",)
)
ACCEPTED_KINDS = (PDF, DOCX, XLSX, ODT, PNG, JPEG)
ACCEPTED_EXTENSIONS = ", ".join(ext for kind in ACCEPTED_KINDS for ext in kind.extensions)


class FileRefused(Exception):
    """An upload that is not accepted, with a message for the person who sent it."""

    code = "file_refused"


class EmptyFile(FileRefused):
    code = "empty_file"


class FileTooLarge(FileRefused):
    code = "file_too_large"


class FileKindRefused(FileRefused):
    """Not an accepted kind by its content, or named like another kind than it is."""

    code = "unsupported_file_type"


def sniff(handle: IO[bytes]) -> FileKind | None:
    """The kind of file the bytes are, or None. Office formats are ZIP files with known parts."""
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(handle)
    return None


def _sniff_zip(handle: IO[bytes]) -> FileKind | None:
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if len(names) > MAX_ZIP_ENTRIES:
                return None
            if "mimetype" in names:
                # Read only the first bytes: never unpack a whole entry (a zip bomb could).
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(100).decode("ascii", "replace").strip()
                if mimetype == ODT.content_type:
                    return ODT
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        handle.seek(0)
    return None


def check_upload(name: str, size: int, handle: IO[bytes]) -> FileKind:
    """The file's kind if it is accepted; otherwise FileRefused saying why."""
    if size == 0:
        raise EmptyFile(_("%(name)s is empty.") % {"name": name})
    if size > MAX_ATTACHMENT_BYTES:
        raise FileTooLarge(
            _("%(name)s is %(size).1f MB; files may be at most %(max)d MB.")
            % {
                "name": name,
                "size": size / 1024 / 1024,
                "max": MAX_ATTACHMENT_BYTES // 1024 // 1024,
            }
        )
    kind = sniff(handle)
    if kind is None:
        raise FileKindRefused(
            _(
                "%(name)s is not a file of an accepted kind (PDF, Word, Excel, OpenDocument "
                "text, PNG or JPEG), whatever its name says."
            )
            % {"name": name}
        )
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in kind.extensions:
        message = (
            _(
                "%(name)s is named like %(extension)s but its content is a %(kind)s; rename it "
                "to %(wanted)s if that is what it is."
            )
            if extension
            else _(
                "%(name)s is named like a file without extension but its content is a "
                "%(kind)s; rename it to %(wanted)s if that is what it is."
            )
        )
        raise FileKindRefused(
            message
            % {
                "name": name,
                "extension": extension,
                "kind": kind.label,
                "wanted": kind.extensions[0],
            }
        )
    return kind


def sha256_of(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def download_response(attachment) -> FileResponse:
    """An attachment as a download, the same for the pages and the API: always saved, never
    shown inline, under the name it was uploaded with, and the browser may not guess its type."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
