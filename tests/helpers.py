"""Small helpers shared by the focal-point tests."""

from reports.models import Question


def question(report, code: str) -> Question:
    return Question.objects.get(version_id=report.cycle.questionnaire_id, code=code)


def post_fields(q: Question, version: int = 0, **fields) -> dict:
    """Form fields of one question: {"": value} is the main field, other keys are suffixes."""
    data = {f"v-{q.code}": str(version)}
    for suffix, value in fields.items():
        name = f"q-{q.code}" if suffix == "" else f"q-{q.code}-{suffix}"
        data[name] = value
    return data
