"""Offline filling with an Excel workbook: download, fill in, upload back — all or nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from reports.selectors import report_answer_values
from reports.services import save_answer
from reports.workbook import build_workbook
from tests.helpers import question

pytestmark = pytest.mark.django_db


@pytest.fixture
def focal_client(client, submitter):
    client.force_login(submitter)
    return client


def download(client, report):
    response = client.get(reverse("report-workbook", args=[report.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def upload(client, report, workbook, name="report.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return client.post(
        reverse("report-workbook-upload", args=[report.pk]),
        {"workbook": SimpleUploadedFile(name, buffer.getvalue())},
    )


def row_of(sheet, code, item=None):
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == code and (item is None or str(row[1].value or "") == str(item)):
            return row
    raise AssertionError(f"no row {code} {item}")


def test_one_sheet_per_section_with_codes_answers_and_choice_lists(focal_client, ghana_report):
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="developing")
    workbook = download(focal_client, ghana_report)
    titles = workbook.sheetnames
    assert titles[0] == "About"
    assert "1. National coordination" in titles and len([t for t in titles if t[0].isdigit()]) == 12
    sheet = workbook["1. National coordination"]
    assert [c.value for c in sheet[1]][:4] == ["Code", "Item", "Question", "Answer"]
    assert row_of(sheet, "1.1")[3].value == "Developing"
    validated = {
        str(ref) for dv in sheet.data_validations.dataValidation for ref in dv.sqref.ranges
    }
    assert f"D{row_of(sheet, '1.1')[0].row}" in validated
    assert workbook["_meta"].sheet_state == "hidden"


def test_a_filled_in_workbook_is_applied(focal_client, ghana_report):
    workbook = download(focal_client, ghana_report)
    coordination = workbook["1. National coordination"]
    row_of(coordination, "1.1")[3].value = "Yes"
    row_of(coordination, "1.1.2")[3].value = 7
    row_of(coordination, "1.3", "email")[3].value = "kofi@gov.example"
    row_of(coordination, "1.5.1", 1)[3].value = "Arms and Ammunition Act"
    transfers = workbook["3. International transfers"]
    row_of(transfers, "3.7")[3].value = "Yes"
    row = row_of(transfers, "3.7.1", 1)
    row[3].value = "Small arms: assault rifles"
    row[4].value = "FRA"
    row[5].value = 40
    marking = workbook["2. Manufacture and marking"]
    row_of(marking, "2.3")[3].value = "Yes"
    row_of(marking, "2.3.1", "serial_number")[3].value = "yes"
    response = upload(focal_client, ghana_report, workbook)
    assert response.status_code == 302, response.content.decode()[-3000:]
    values = report_answer_values(ghana_report)
    assert values["1.1"] == "yes" and values["1.1.2"] == 7
    assert values["1.3"]["email"] == "kofi@gov.example"
    assert values["1.5.1"][0]["title"] == "Arms and Ammunition Act"
    assert values["3.7.1"][0]["category"] == "sa_assault_rifles"
    assert values["3.7.1"][0]["partner"] == "FRA"
    assert values["2.3.1"]["choices"] == ["serial_number"]


def test_one_bad_line_stops_everything_and_is_listed(focal_client, ghana_report):
    workbook = download(focal_client, ghana_report)
    sheet = workbook["1. National coordination"]
    row_of(sheet, "1.1")[3].value = "Yes"
    bad = row_of(sheet, "1.1.2")
    bad[3].value = "many"
    response = upload(focal_client, ghana_report, workbook)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was changed" in html
    assert (
        f'<td class="num">{bad[0].row}</td><td>1.1.2</td><td>expected a whole number.</td>' in html
    )
    assert report_answer_values(ghana_report) == {}


def test_an_unknown_code_or_sheet_is_reported(focal_client, ghana_report):
    workbook = download(focal_client, ghana_report)
    sheet = workbook["1. National coordination"]
    sheet.append(["77.7", "", "made up", "Yes"])
    workbook.create_sheet("My notes")
    html = upload(focal_client, ghana_report, workbook).content.decode()
    assert "No question of this section has this code." in html
    assert "This sheet is not a section" in html


def test_a_workbook_of_another_report_is_refused(focal_client, ghana_report, open_cycle):
    from reports.services import start_report
    from tests.factories import country

    other = start_report(country=country("MEX"), cycle=open_cycle)
    workbook = load_workbook(io.BytesIO(build_workbook(other)))
    html = upload(focal_client, ghana_report, workbook).content.decode()
    assert "belongs to another report" in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.xlsx", b"%PDF-1.4 not a workbook", "content is a PDF"),
        ("report.xlsx", b"garbage", "not a file of an accepted kind"),
    ],
)
def test_files_that_are_not_workbooks(focal_client, ghana_report, name, content, message):
    response = focal_client.post(
        reverse("report-workbook-upload", args=[ghana_report.pk]),
        {"workbook": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_foreign_workbook_without_the_meta_sheet(focal_client, ghana_report):
    from openpyxl import Workbook

    html = upload(focal_client, ghana_report, Workbook()).content.decode()
    assert "was not downloaded from PoA Reports" in html


def test_an_answer_changed_online_since_the_download_is_a_conflict(focal_client, ghana_report):
    q = question(ghana_report, "1.1")
    workbook = download(focal_client, ghana_report)
    save_answer(report=ghana_report, question=q, value="no")  # a colleague, meanwhile
    row_of(workbook["1. National coordination"], "1.1")[3].value = "Yes"
    html = upload(focal_client, ghana_report, workbook).content.decode()
    assert "changed in the web form since this workbook was downloaded" in html
    assert report_answer_values(ghana_report) == {"1.1": "no"}


def test_a_submitted_report_takes_no_workbook(focal_client, ghana_report):
    from reports.models import NationalReport

    NationalReport.objects.filter(pk=ghana_report.pk).update(status="submitted")
    response = focal_client.get(reverse("report-workbook-upload", args=[ghana_report.pk]))
    assert response.status_code == 403


def test_copied_answers_are_marked_in_the_workbook(cycles):
    from reports.models import ReportingCycle
    from reports.services import start_report
    from tests.factories import country
    from tests.helpers import accept_directly

    old = start_report(country=country("GHA"), cycle=ReportingCycle.objects.get(year=2024))
    save_answer(report=old, question=question(old, "1.1"), value="yes")
    accept_directly(old)
    new = start_report(
        country=country("GHA"), cycle=ReportingCycle.objects.get(year=2026), prefill=True
    )
    sheet = load_workbook(io.BytesIO(build_workbook(new)))["1. National coordination"]
    copied = row_of(sheet, "1.1")[0]
    assert "From 2024" in copied.comment.text
    assert row_of(sheet, "1.2")[0].comment is None


@pytest.mark.parametrize("made_before_the_about_row", [False, True])
def test_a_workbook_downloaded_in_another_language_reads_back(
    focal_client, ghana_report, made_before_the_about_row
):
    """The reader goes by codes and positions, never by the words of headings: a workbook whose
    headings and About sheet are in French is read the same by an English-speaking session."""
    workbook = download(focal_client, ghana_report)
    meta = workbook["_meta"]
    about_row = next(row for row in meta.iter_rows() if row[0].value == "about")
    assert about_row[1].value == "About"
    if made_before_the_about_row:
        meta.delete_rows(about_row[0].row)
    else:
        workbook["About"].title = "À propos"
        about_row[1].value = "À propos"
    sheet = workbook["1. National coordination"]
    for cell, heading in zip(sheet[1], ["Code", "Élément", "Question", "Réponse"], strict=False):
        cell.value = heading
    row_of(sheet, "1.1")[3].value = "Yes"
    response = upload(focal_client, ghana_report, workbook)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert report_answer_values(ghana_report)["1.1"] == "yes"


# -- text a workbook cannot hold, and text that looks like a formula ----------------------------


def test_control_characters_stored_before_cleaning_do_not_break_the_download(
    focal_client, ghana_report
):
    """Text stored before answers were cleaned (written straight to the database here, past the
    service) still downloads: the characters XML cannot carry are dropped, the rest is kept."""
    from reports.models import Answer, AnswerCell

    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="yes")
    text_question = question(ghana_report, "1.1.1")
    save_answer(report=ghana_report, question=text_question, value="Ministry of Interior")
    table_question = question(ghana_report, "1.5.1")
    save_answer(
        report=ghana_report,
        question=table_question,
        value=[{c["code"]: "x" if c["type"] == "text" else None for c in table_question.columns}],
    )
    Answer.objects.filter(report=ghana_report, question=text_question).update(
        value_text="Ministry\x01 of\x0b Interior\x1f"
    )
    AnswerCell.objects.filter(answer__question=table_question, column="title").update(
        value_text="Arms\x02 Act\x08"
    )
    ghana_report.country.__class__.objects.filter(pk=ghana_report.country_id).update(
        un_name="Ghana\x07"
    )

    workbook = download(focal_client, ghana_report)

    sheet = workbook["1. National coordination"]
    assert row_of(sheet, "1.1.1")[3].value == "Ministry of Interior"
    assert row_of(sheet, "1.5.1", 1)[3].value == "Arms Act"
    assert workbook["About"]["A1"].value.startswith("Ghana —")
    # Uploaded back unchanged, the workbook is valid and the answer is stored clean.
    response = upload(focal_client, ghana_report, workbook)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert report_answer_values(ghana_report)["1.1.1"] == "Ministry of Interior"


def test_a_formula_looking_answer_stays_text_and_reads_back_unchanged(focal_client, ghana_report):
    formula = '=HYPERLINK("http://evil.example","x")'
    save_answer(report=ghana_report, question=question(ghana_report, "1.1"), value="yes")
    save_answer(report=ghana_report, question=question(ghana_report, "1.1.1"), value=formula)

    workbook = download(focal_client, ghana_report)

    cell = row_of(workbook["1. National coordination"], "1.1.1")[3]
    assert cell.value == formula and cell.data_type == "s"  # text, never a formula
    response = upload(focal_client, ghana_report, workbook)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert report_answer_values(ghana_report)["1.1.1"] == formula


def test_control_characters_saved_by_excel_in_an_upload_are_dropped(focal_client, ghana_report):
    """Excel writes a control character in a cell as _xHHHH_: a soft line break becomes a line
    break, other control characters are dropped, as in the web form."""
    workbook = download(focal_client, ghana_report)
    sheet = workbook["1. National coordination"]
    row_of(sheet, "1.1")[3].value = "Yes"
    row_of(sheet, "1.1.1")[3].value = "Ministry_x0001_ of Interior_x000B_Accra"

    response = upload(focal_client, ghana_report, workbook)

    assert response.status_code == 302, response.content.decode()[-3000:]
    assert report_answer_values(ghana_report)["1.1.1"] == "Ministry of Interior\nAccra"


def test_a_nul_character_in_an_upload_is_a_line_to_fix(focal_client, ghana_report):
    workbook = download(focal_client, ghana_report)
    sheet = workbook["1. National coordination"]
    row_of(sheet, "1.1")[3].value = "Yes"
    row = row_of(sheet, "1.1.1")
    row[3].value = "Ministry_x0000_ of Interior"

    response = upload(focal_client, ghana_report, workbook)

    assert response.status_code == 400
    html = response.content.decode()
    assert f'<td class="num">{row[0].row}</td><td>1.1.1</td>' in html
    assert "the text contains a NUL character; please retype it." in html
    assert report_answer_values(ghana_report) == {}


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("1. National coordination", "1. National coordination"),
        ("4. Stock: [a/b] *?\\ x\x07", "4. Stock   a b" + " " * 6 + "x"),
        ("'Quoted'", "Quoted"),
        ("\x01", "Sheet"),
        ("7. " + "é" * 40, "7. " + "é" * 28),
        ("8. " + "😀" * 20, "8. " + "😀" * 14),  # Excel counts UTF-16 units
    ],
)
def test_sheet_titles_excel_accepts(title, expected):
    from reports.spreadsheets import safe_sheet_title

    assert safe_sheet_title(title) == expected
