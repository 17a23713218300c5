"""Small helpers shared by the tests."""

from django.test import Client

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


# -- signing in -----------------------------------------------------------------------------------


def authenticator(user):
    """The person's confirmed authenticator app (TOTP device), created if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import APP_DEVICE_NAME

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True)


def totp_code(user_or_device) -> str:
    """The code the person's authenticator app shows now (as a phone would).

    A code is accepted once: when this time step's code was used already (two sign-ins within 30
    seconds), the next step's code is given, which the server accepts too (tolerance 1).
    """
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = user_or_device if isinstance(user_or_device, TOTPDevice) else None
    if device is None:
        device = authenticator(user_or_device)
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step
    return f"{totp.token():0{device.digits}d}"


def second_step(page, user) -> None:
    """In a browser on the sign-in's second page: type the app's current code and verify."""
    page.get_by_label("Code").fill(totp_code(user))
    page.get_by_role("button", name="Verify").click()


class SignedInClient(Client):
    """The test client. `force_login(user)` and `login(...)` stand for a person who has fully
    signed in: password and, for those who need one (secretariat staff, or anyone who turned
    two-step verification on), the second step. Staff get a confirmed authenticator for it.

    Tests of the sign-in itself post to the pages instead (tests/test_two_factor.py).
    """

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        self._second_step(user)
        self._stamp_activity()

    def login(self, **credentials) -> bool:
        # django-axes needs the request; Django's Client.login passes none.
        from django.contrib.auth import authenticate
        from django.http import HttpRequest

        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        user = authenticate(request, **credentials)
        if user is None:
            return False
        self._login(user)
        self._second_step(user)
        self._stamp_activity()
        return True

    def _stamp_activity(self) -> None:
        # A real sign-in's response stamps the session's activity (SessionActivityMiddleware), so
        # the next minute of requests does not write the session again; the test log-in skips
        # the middleware and stamps it here, or every first request would count an extra UPDATE.
        from django.utils import timezone

        from accounts.middleware import ACTIVITY_KEY

        session = self.session
        session[ACTIVITY_KEY] = int(timezone.now().timestamp())
        session.save()

    def _second_step(self, user) -> None:
        from django_otp import DEVICE_ID_SESSION_KEY

        from accounts.two_factor import has_two_factor, requires_two_factor

        if not (requires_two_factor(user) or has_two_factor(user)):
            return
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()
