"""Files through the API: upload (checked by content), list, download, delete."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.files import MAX_ATTACHMENT_BYTES
from reports.models import Attachment
from reports.services import save_answer
from reports.services.attachments import add_attachment
from reports.services.submission import submit_report
from tests.api_support import bearer, error_code, url
from tests.conftest import fill_required
from tests.helpers import question

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a small test file\n"


@pytest.fixture
def gh(client, contributor):
    client.force_login(contributor)
    return client


def upload(client, report, name, content, code="1.2.2", **headers):
    return client.post(
        url("report-attachments", report.pk),
        {"question": code, "file": SimpleUploadedFile(name, content)},
        **headers,
    )


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_upload_list_download_delete(gh, ghana_report):
    response = upload(gh, ghana_report, "plan.pdf", PDF)
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["question"] == "1.2.2" and item["name"] == "plan.pdf"
    assert item["content_type"] == "application/pdf" and item["size"] == len(PDF)
    listed = gh.get(url("report-attachments", ghana_report.pk)).json()
    assert [a["id"] for a in listed] == [item["id"]]
    download = gh.get(item["download"], HTTP_ACCEPT="application/pdf")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "plan.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    deleted = gh.delete(url("report-attachment", ghana_report.pk, item["id"]))
    assert deleted.status_code == 204
    assert gh.get(url("report-attachments", ghana_report.pk)).json() == []
    assert gh.delete(url("report-attachment", ghana_report.pk, item["id"])).status_code == 404


def test_a_word_document_by_token(client, ghana_report, submitter):
    response = upload(client, ghana_report, "law.docx", docx_bytes(), **bearer(submitter))
    assert response.status_code == 201
    assert response.json()["content_type"].endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    "name, content",
    [
        ("plan.pdf", b"MZ\x90\x00 an executable"),  # not a PDF whatever its name says
        ("plan.pdf", b"\x89PNG\r\n\x1a\n0000"),  # a PNG named .pdf
        ("script.html", b"<script>alert(1)</script>"),
        ("notes.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_disguised_files_are_415(gh, ghana_report, name, content):
    response = upload(gh, ghana_report, name, content)
    assert response.status_code == 415, response.content
    assert error_code(response) == "unsupported_file_type"
    assert not Attachment.objects.exists()


def test_oversized_file_is_413(gh, ghana_report):
    content = PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF) + 1)
    response = upload(gh, ghana_report, "big.pdf", content)
    assert response.status_code == 413
    assert error_code(response) == "file_too_large"
    assert not Attachment.objects.exists()


def test_oversized_request_is_413_before_reading_it(gh, ghana_report):
    content = PDF + b"0" * (MAX_ATTACHMENT_BYTES + 2 * 1024 * 1024)
    response = upload(gh, ghana_report, "huge.pdf", content)
    assert response.status_code == 413
    assert error_code(response) == "request_too_large"


def test_empty_file_and_missing_fields_are_400(gh, ghana_report):
    empty = upload(gh, ghana_report, "empty.pdf", b"")
    assert empty.status_code == 400 and "file" in empty.json()["error"]["fields"]
    no_file = gh.post(url("report-attachments", ghana_report.pk), {"question": "1.2.2"})
    assert no_file.status_code == 400 and "file" in no_file.json()["error"]["fields"]
    unknown = upload(gh, ghana_report, "plan.pdf", PDF, code="99.9")
    assert unknown.status_code == 400 and "question" in unknown.json()["error"]["fields"]
    not_a_file_question = upload(gh, ghana_report, "plan.pdf", PDF, code="1.1")
    assert not_a_file_question.status_code == 400
    assert "question" in not_a_file_question.json()["error"]["fields"]
    json_body = gh.post(
        url("report-attachments", ghana_report.pk),
        {"question": "1.2.2"},
        content_type="application/json",
    )
    assert json_body.status_code == 415
    assert not Attachment.objects.exists()


def test_one_file_questions_take_one(gh, ghana_report):
    from reports.models import Question
    from reports.selectors import forget_questionnaire_structures

    Question.objects.filter(pk=question(ghana_report, "1.2.2").pk).update(multiple=False)
    forget_questionnaire_structures()
    assert upload(gh, ghana_report, "a.pdf", PDF).status_code == 201
    second = upload(gh, ghana_report, "b.pdf", PDF)
    assert second.status_code == 409 and error_code(second) == "one_file_only"
    assert Attachment.objects.count() == 1


def test_no_upload_or_delete_once_submitted(client, ghana_report, submitter, secretariat_admin):
    attachment = add_attachment(
        report=ghana_report,
        question=question(ghana_report, "1.2.2"),
        upload=SimpleUploadedFile("plan.pdf", PDF),
    )
    fill_required(ghana_report)
    save_answer(report=ghana_report, question=question(ghana_report, "1.2"), value="yes")
    submit_report(report=ghana_report, user=submitter)
    focal = bearer(submitter)
    response = upload(client, ghana_report, "new.pdf", PDF, **focal)
    assert response.status_code == 403 and error_code(response) == "not_editable"
    path = url("report-attachment", ghana_report.pk, attachment.pk)
    assert client.delete(path, **focal).status_code == 403
    staff = bearer(secretariat_admin)
    assert client.delete(path, **staff).status_code == 403
    assert error_code(upload(client, ghana_report, "x.pdf", PDF, **staff)) == "not_focal_point"
    # Everyone who sees the report downloads its files.
    download = url("report-attachment-download", ghana_report.pk, attachment.pk)
    assert client.get(download, **staff).status_code == 200
    assert Attachment.objects.count() == 1


def test_a_removed_file_a_revision_lists_stays_downloadable(gh, ghana_report, submitter):
    from reports.services.submission import recall_report

    attachment = add_attachment(
        report=ghana_report,
        question=question(ghana_report, "1.2.2"),
        upload=SimpleUploadedFile("plan.pdf", PDF),
    )
    fill_required(ghana_report)
    save_answer(report=ghana_report, question=question(ghana_report, "1.2"), value="yes")
    submit_report(report=ghana_report, user=submitter)
    recall_report(report=ghana_report, user=submitter)
    assert gh.delete(url("report-attachment", ghana_report.pk, attachment.pk)).status_code == 204
    assert gh.get(url("report-attachments", ghana_report.pk)).json() == []
    revision = gh.get(url("report-revision", ghana_report.pk, 1)).json()
    assert [a["id"] for a in revision["attachments"]] == [attachment.pk]
    download = gh.get(url("report-attachment-download", ghana_report.pk, attachment.pk))
    assert download.status_code == 200


def test_another_countrys_files_are_404(client, ghana_report, other_focal):
    attachment = add_attachment(
        report=ghana_report,
        question=question(ghana_report, "1.2.2"),
        upload=SimpleUploadedFile("plan.pdf", PDF),
    )
    other = bearer(other_focal)
    assert client.get(url("report-attachments", ghana_report.pk), **other).status_code == 404
    download = url("report-attachment-download", ghana_report.pk, attachment.pk)
    assert client.get(download, **other).status_code == 404
    path = url("report-attachment", ghana_report.pk, attachment.pk)
    assert client.delete(path, **other).status_code == 404
    assert upload(client, ghana_report, "x.pdf", PDF, **other).status_code == 404
    assert Attachment.objects.count() == 1
