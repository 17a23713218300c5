"""A questionnaire version used by a cycle is frozen; edits make a new version."""

import pytest
import yaml
from django.urls import reverse

from reports.models import QuestionnaireVersion
from reports.questionnaire_files import parse_questionnaire_file, spec_checksum
from reports.services import (
    QuestionnaireFrozenError,
    copy_questionnaire_version,
    load_questionnaire,
    spec_from_version,
)
from tests.factories import CycleFactory

pytestmark = pytest.mark.django_db

SMALL = {
    "version": "v.1",
    "title": "Small",
    "sections": [
        {
            "code": "1",
            "title": "One",
            "questions": [
                {"code": "1.1", "text": "Agency?", "type": "yes_no", "cites": ["PoA II.4"]},
            ],
        }
    ],
}


def write(tmp_path, text_of_question="Agency?"):
    data = yaml.safe_load(yaml.safe_dump(SMALL))
    data["sections"][0]["questions"][0]["text"] = text_of_question
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_an_unused_version_can_be_replaced(tmp_path):
    load_questionnaire(write(tmp_path))
    result = load_questionnaire(write(tmp_path, "Is there an agency?"))
    assert result.outcome == "replaced"
    assert result.version.questions.get().text == "Is there an agency?"


def test_a_version_in_use_cannot_change(tmp_path):
    version = load_questionnaire(write(tmp_path)).version
    CycleFactory(questionnaire=version)
    assert QuestionnaireVersion.objects.get(pk=version.pk).is_frozen
    with pytest.raises(QuestionnaireFrozenError, match="give the file a new version"):
        load_questionnaire(write(tmp_path, "Changed?"))
    assert version.questions.get().text == "Agency?"
    # the unchanged file still loads (as a no-op)
    assert load_questionnaire(write(tmp_path)).outcome == "unchanged"


def test_copying_makes_an_editable_version_with_the_same_content(shipped_questionnaire):
    CycleFactory(questionnaire=shipped_questionnaire)
    copy = copy_questionnaire_version(source=shipped_questionnaire, new_code="2026.2")
    assert not copy.is_frozen
    original, copied = spec_from_version(shipped_questionnaire), spec_from_version(copy)
    assert copied["version"] == "2026.2"
    copied["version"] = original["version"]
    assert copied == original
    # the stored spec is the same as the file's, so the checksum matches the file's
    assert spec_checksum(original) == spec_checksum(
        parse_questionnaire_file(shipped_questionnaire.source_file)
    )


def test_copy_refuses_an_existing_code(shipped_questionnaire):
    with pytest.raises(ValueError, match="already exists"):
        copy_questionnaire_version(source=shipped_questionnaire, new_code="2026.1")


def test_admin_shows_a_frozen_version_read_only(staff_client, shipped_questionnaire):
    CycleFactory(questionnaire=shipped_questionnaire)
    url = reverse("admin:reports_questionnaireversion_change", args=[shipped_questionnaire.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    refused = staff_client.post(url, {"title": "Changed"})
    assert refused.status_code == 403
    shipped_questionnaire.refresh_from_db()
    assert shipped_questionnaire.title != "Changed"


def test_admin_action_copies_a_frozen_version(staff_client, shipped_questionnaire):
    CycleFactory(questionnaire=shipped_questionnaire)
    response = staff_client.post(
        reverse("admin:reports_questionnaireversion_changelist"),
        {"action": "copy_as_new_version", "_selected_action": [shipped_questionnaire.pk]},
        follow=True,
    )
    assert response.status_code == 200
    copy = QuestionnaireVersion.objects.get(code="2026.2")
    assert copy.questions.count() == shipped_questionnaire.questions.count()
    editable = staff_client.get(
        reverse("admin:reports_questionnaireversion_change", args=[copy.pk])
    )
    assert b'name="_save"' in editable.content


def test_reloading_after_an_admin_edit_restores_the_file(tmp_path):
    version = load_questionnaire(write(tmp_path)).version
    version.questions.update(text="Edited in the admin")
    result = load_questionnaire(write(tmp_path))
    assert result.outcome == "replaced"
    assert result.version.questions.get().text == "Agency?"
