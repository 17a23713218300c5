"""Upload questions: files checked by content, kept under random names, served by the gatekeeper."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.files import MAX_ATTACHMENT_BYTES
from reports.models import Attachment
from tests.helpers import question

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def office(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office:document-content/>")
        elif kind == "docx":
            archive.writestr("word/document.xml", "<w:document/>")
        elif kind == "xlsx":
            archive.writestr("xl/workbook.xml", "<workbook/>")
        else:
            archive.writestr("readme.txt", "just a zip")
    return buffer.getvalue()


def upload(client, report, name, content, code="1.2.2", json=True):
    url = reverse("report-upload", args=[report.pk, code])
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, **headers)


@pytest.fixture
def focal_client(client, submitter):
    client.force_login(submitter)
    return client


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("plan.pdf", PDF, "application/pdf"),
        ("photo.PNG", PNG, "image/png"),
        ("scan.jpeg", JPEG, "image/jpeg"),
        (
            "plan.docx",
            office("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "data.xlsx",
            office("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("plan.odt", office("odt"), "application/vnd.oasis.opendocument.text"),
    ],
)
def test_accepted_kinds_are_stored_under_random_names(
    focal_client, ghana_report, name, content, content_type
):
    response = upload(focal_client, ghana_report, name, content)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "saved"
    attachment = Attachment.objects.get()
    assert attachment.original_name == name
    assert attachment.content_type == content_type
    assert name not in attachment.file.name and name.split(".")[0] not in attachment.file.name
    assert name in response.json()["html"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", b"MZ\x90\x00 this is a program", "not a file of an accepted kind"),
        ("plan.pdf", PNG, "its content is a PNG image"),
        ("plan.docx", office("zip"), "not a file of an accepted kind"),
        ("notes.txt", b"plain text", "not a file of an accepted kind"),
        ("empty.pdf", b"", "is empty"),
        ("plan", PDF, "named like a file without extension"),
    ],
)
def test_disguised_or_unaccepted_files_are_refused(
    focal_client, ghana_report, name, content, message
):
    response = upload(focal_client, ghana_report, name, content)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert not Attachment.objects.exists()


def test_a_file_over_20_mb_is_refused(focal_client, ghana_report):
    response = upload(focal_client, ghana_report, "big.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES)
    assert response.status_code == 400
    assert "at most 20 MB" in response.json()["message"]


def test_a_question_that_takes_no_files(focal_client, ghana_report):
    response = upload(focal_client, ghana_report, "plan.pdf", PDF, code="1.1")
    assert response.status_code == 400
    assert "does not take files" in response.json()["message"]


def test_without_scripts_the_upload_returns_to_the_form_with_a_message(focal_client, ghana_report):
    response = upload(focal_client, ghana_report, "plan.pdf", PDF, json=False)
    assert response.status_code == 302
    assert response["Location"].endswith("/sections/1/#q-1.2.2")
    refused = upload(focal_client, ghana_report, "plan.pdf", b"nope", json=False)
    assert refused.status_code == 302
    page = focal_client.get(refused["Location"]).content.decode()
    assert "not a file of an accepted kind" in page


def test_the_full_form_accepts_files_too(focal_client, ghana_report):
    q = question(ghana_report, "1.2.2")
    response = focal_client.post(
        reverse("report-section", args=[ghana_report.pk, "1"]),
        {"q-1.2.2-file": SimpleUploadedFile("plan.pdf", PDF)},
    )
    assert response.status_code == 302
    assert Attachment.objects.get().question == q


def test_download_goes_through_the_gatekeeper(client, submitter, other_focal, ghana_report):
    client.force_login(submitter)
    upload(client, ghana_report, "plan.pdf", PDF)
    attachment = Attachment.objects.get()
    url = reverse("report-attachment", args=[ghana_report.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'attachment; filename="plan.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(other_focal)
    assert client.get(url).status_code == 404


def test_removing_a_file(focal_client, ghana_report):
    upload(focal_client, ghana_report, "plan.pdf", PDF)
    attachment = Attachment.objects.get()
    url = reverse("report-attachment-delete", args=[ghana_report.pk, attachment.pk])
    assert focal_client.post(url).status_code == 302
    assert not Attachment.objects.exists()


def test_a_file_answers_its_question_for_completeness(focal_client, ghana_report):
    from reports.progress import load_states

    upload(focal_client, ghana_report, "plan.pdf", PDF)
    q = question(ghana_report, "1.2.2")
    assert q.pk in load_states([ghana_report.pk])[ghana_report.pk].answered
