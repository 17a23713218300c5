"""Editing an unfrozen questionnaire version in the admin follows the file format's rules."""

import json

import pytest
from django.urls import reverse

from reports.models import QuestionType
from tests.factories import QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_version():
    section = SectionFactory(code="1", title="Coordination", position=1)
    parent = QuestionFactory(
        section=section, code="1.1", position=1, type=QuestionType.YES_NO, text="Agency?"
    )
    child = QuestionFactory(
        section=section,
        code="1.2",
        position=2,
        type=QuestionType.TEXT,
        text="Name it",
        max_length=500,
        show_if_question=parent,
        show_if_values=["yes"],
    )
    return section.version, section, [parent, child]


def question_data(index, question, section, **changes):
    values = {
        "id": question.pk,
        "version": question.version_id,
        "position": question.position,
        "code": question.code,
        "section": section.pk,
        "type": question.type,
        "text": question.text,
        "help": question.help,
        "citations": json.dumps(question.citations),
        "choices": json.dumps(question.choices),
        "columns": json.dumps(question.columns),
        "min_value": question.min_value if question.min_value is not None else "",
        "max_value": question.max_value if question.max_value is not None else "",
        "max_length": question.max_length if question.max_length is not None else "",
        "unit": question.unit,
        "min_rows": question.min_rows,
        "max_rows": question.max_rows if question.max_rows is not None else "",
        "multiple": "on" if question.multiple else "",
        "show_if_question": question.show_if_question_id or "",
        "show_if_values": json.dumps(question.show_if_values),
    }
    values.update(changes)
    return {f"questions-{index}-{key}": value for key, value in values.items() if value != ""}


def post_version(client, version, section, questions, changes_by_index):
    data = {
        "code": version.code,
        "title": version.title,
        "description": "",
        "sections-TOTAL_FORMS": 1,
        "sections-INITIAL_FORMS": 1,
        "sections-0-id": section.pk,
        "sections-0-version": version.pk,
        "sections-0-position": section.position,
        "sections-0-code": section.code,
        "sections-0-title": section.title,
        "questions-TOTAL_FORMS": len(questions),
        "questions-INITIAL_FORMS": len(questions),
    }
    for index, question in enumerate(questions):
        data.update(question_data(index, question, section, **changes_by_index.get(index, {})))
    url = reverse("admin:reports_questionnaireversion_change", args=[version.pk])
    return client.post(url, data)


def test_a_valid_edit_is_saved(staff_client, draft_version):
    version, section, questions = draft_version
    response = post_version(
        staff_client, version, section, questions, {0: {"text": "Is there an agency?"}}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    questions[0].refresh_from_db()
    assert questions[0].text == "Is there an agency?"


@pytest.mark.parametrize(
    ("index", "changes", "message"),
    [
        (0, {"citations": json.dumps(["Article 5"])}, "citation &#x27;Article 5&#x27; is not"),
        (0, {"citations": json.dumps([])}, "This field is required."),
        (1, {"position": 0}, "The parent must come before its follow-up."),
        (1, {"code": "2.1"}, "must begin with its section code 1."),
        (0, {"type": "single_choice"}, "choices or choice_set is required"),
        (0, {"citations": "not json"}, "Enter a valid JSON."),
    ],
)
def test_an_invalid_inline_edit_is_refused_with_a_message_and_nothing_changes(
    staff_client, draft_version, index, changes, message
):
    version, section, questions = draft_version
    response = post_version(staff_client, version, section, questions, {index: changes})
    assert_refused(response, message, changes, questions)


def assert_refused(response, message, changes, questions):
    """The form comes back with the reason, still holding what was typed; nothing is saved."""
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    for value in changes.values():
        assert str(value).replace('"', "&quot;") in html or str(value) in html
    assert_unchanged(questions)


def assert_unchanged(questions):
    for question in questions:
        before = question.text, question.citations, question.code, question.choices
        question.refresh_from_db()
        assert (question.text, question.citations, question.code, question.choices) == before


def question_form(question, **changes):
    data = {
        key.split("-", 2)[2]: value
        for key, value in question_data(0, question, question.section).items()
    }
    for key in ("id", "version"):
        data.pop(key)
    data.update(changes)
    return data


def test_the_full_question_form_saves_a_valid_edit(staff_client, draft_version):
    _, _, questions = draft_version
    url = reverse("admin:reports_question_change", args=[questions[1].pk])
    data = question_form(questions[1], help="Give the official name.")
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    questions[1].refresh_from_db()
    assert questions[1].help == "Give the official name."


@pytest.mark.parametrize(
    ("index", "changes", "message"),
    [
        (0, {"choices": json.dumps([{"code": "a", "label": "A"}])}, "unknown key(s) choices"),
        (1, {"show_if_values": json.dumps(["maybe"])}, "&#x27;maybe&#x27; is not a choice of 1.1"),
        (1, {"max_length": 0}, "max_length must be at least 1"),
        (0, {"show_if_values": json.dumps(["yes"])}, "conditions need a parent question"),
    ],
)
def test_the_full_question_form_refuses_what_a_file_would_refuse(
    staff_client, draft_version, index, changes, message
):
    _, _, questions = draft_version
    url = reverse("admin:reports_question_change", args=[questions[index].pk])
    response = staff_client.post(url, question_form(questions[index], **changes))
    assert_refused(response, message, changes, questions)


def test_questions_of_a_frozen_version_cannot_be_changed(staff_client, draft_version):
    from tests.factories import CycleFactory

    version, _, questions = draft_version
    CycleFactory(questionnaire=version)
    url = reverse("admin:reports_question_change", args=[questions[0].pk])
    assert staff_client.post(url, question_form(questions[0], text="Changed")).status_code == 403
    assert_unchanged(questions)


def test_a_code_already_used_in_the_version_is_refused(staff_client, draft_version):
    _, _, questions = draft_version
    url = reverse("admin:reports_question_change", args=[questions[1].pk])
    response = staff_client.post(url, question_form(questions[1], code="1.1"))
    assert_refused(response, "Another question of this version has the code 1.1.", {}, questions)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"type": "integer"}, "Follow-up 1.2 depends on this question"),
        (
            {"type": "single_choice", "choices": json.dumps([{"code": "no", "label": "No"}])},
            "Follow-up 1.2 is shown for yes, which this question would no longer offer",
        ),
    ],
)
def test_a_parent_cannot_drop_what_its_follow_ups_need(
    staff_client, draft_version, changes, message
):
    _, _, questions = draft_version
    url = reverse("admin:reports_question_change", args=[questions[0].pk])
    response = staff_client.post(url, question_form(questions[0], **changes))
    assert_refused(response, message, {}, questions)


def test_deleting_a_parent_question_is_refused_not_a_crash(staff_client, draft_version):
    _, _, questions = draft_version
    url = reverse("admin:reports_question_delete", args=[questions[0].pk])
    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (
        response.content.decode()
    )
    assert_unchanged(questions)


def test_copying_a_version_whose_next_code_is_too_long_says_why(staff_client):
    from reports.models import QuestionnaireVersion
    from tests.factories import QuestionnaireVersionFactory

    version = QuestionnaireVersionFactory(code="a" * 20)
    response = staff_client.post(
        reverse("admin:reports_questionnaireversion_changelist"),
        {"action": "copy_as_new_version", "_selected_action": [version.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "needs a code of 1 to 20 characters" in response.content.decode()
    assert QuestionnaireVersion.objects.count() == 1


def test_a_cycle_with_reports_keeps_its_questionnaire(staff_client, draft_version):
    from tests.factories import CycleFactory, ReportFactory

    version, _, _ = draft_version
    cycle = CycleFactory(questionnaire=version)
    url = reverse("admin:reports_reportingcycle_change", args=[cycle.pk])
    assert b'name="questionnaire"' in staff_client.get(url).content
    ReportFactory(cycle=cycle)
    assert b'name="questionnaire"' not in staff_client.get(url).content
