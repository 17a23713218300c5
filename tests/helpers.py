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


def accept_directly(report, status: str = "accepted"):
    """Give a report an accepted revision of its current answers (as the workflow would)."""
    from django.utils import timezone

    from reports.models import NationalReport, Revision
    from reports.selectors import questionnaire_of
    from reports.services.submission import snapshot_answers

    _sections, questions = questionnaire_of(report)
    now = timezone.now()
    revision = Revision.objects.create(
        report=report,
        number=report.revisions.count() + 1,
        answers=snapshot_answers(report, questions),
        submitted_at=now,
        accepted_at=now,
    )
    NationalReport.objects.filter(pk=report.pk).update(status=status, current_revision=revision)
    report.refresh_from_db()
    return revision


def accepted_snapshot(cycle, iso3: str, answers: dict):
    """A State's report for the cycle with one accepted revision holding `answers` (JSON)."""
    from django.utils import timezone

    from reports.models import NationalReport, Revision
    from reports.services import start_report
    from tests.factories import country

    report = start_report(country=country(iso3), cycle=cycle)
    now = timezone.now()
    revision = Revision.objects.create(
        report=report, number=1, answers=answers, submitted_at=now, accepted_at=now
    )
    NationalReport.objects.filter(pk=report.pk).update(
        status=NationalReport.Status.ACCEPTED, current_revision=revision
    )
    return revision


# -- permission matrices ------------------------------------------------------------------------

# Each role of the matrices, and the group whose expectation applies unless the role has its own.
ROLE_GROUP = {
    "anonymous": "anonymous",
    "contributor": "gha",
    "submitter": "gha",
    "mexico": "mexico",
    "observer": "staff",
    "reviewer": "staff",
    "admin": "staff",
}
ROLES = list(ROLE_GROUP)


def expected_status(table: dict, role: str) -> int:
    """The status a matrix expects for `role`: its own entry, its group's, or "*"."""
    for key in (role, ROLE_GROUP[role], "*"):
        if key in table:
            return table[key]
    raise AssertionError(f"no expectation for {role} in {table}")
