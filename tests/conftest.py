import pytest

from reports.services import load_questionnaire
from tests.factories import StaffFactory
from tests.helpers import SignedInClient


@pytest.fixture
def client():
    """pytest-django's client, whose force_login stands for a fully signed-in person (password
    and, for secretariat staff or anyone using it, the second step): see SignedInClient."""
    return SignedInClient()


@pytest.fixture
def shipped_questionnaire(db):
    """The PoA/ITI questionnaire shipped in reports/data/, loaded."""
    return load_questionnaire().version


@pytest.fixture(autouse=True)
def _default_language_in_every_test():
    """A page request leaves its language active in the thread (LocaleMiddleware activates it and
    nothing deactivates it in the test client); every test starts and ends in the default one."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(email="staff@example.org"))
    return client


# -- focal points ---------------------------------------------------------------------------


@pytest.fixture
def cycles(shipped_questionnaire):
    from reports.services import create_missing_cycles

    create_missing_cycles()
    return shipped_questionnaire


@pytest.fixture
def open_cycle(cycles):
    from reports.models import ReportingCycle

    return ReportingCycle.objects.get(year=2026)


def _member(email, iso3, role):
    from tests.factories import MembershipFactory, UserFactory, country

    user = UserFactory(email=email)
    MembershipFactory(user=user, country=country(iso3), role=role)
    return user


@pytest.fixture
def submitter(db):
    return _member("submitter@gh.example", "GHA", "submitter")


@pytest.fixture
def contributor(db):
    return _member("contributor@gh.example", "GHA", "contributor")


@pytest.fixture
def other_focal(db):
    return _member("focal@mx.example", "MEX", "submitter")


@pytest.fixture
def reviewer(db):
    from django.contrib.auth.models import Permission

    from tests.factories import StaffFactory

    user = StaffFactory(email="reviewer@un.example", is_superuser=False)
    user.user_permissions.add(
        Permission.objects.get(codename="view_nationalreport", content_type__app_label="reports")
    )
    return user


@pytest.fixture
def ghana_report(open_cycle):
    from reports.services import start_report
    from tests.factories import country

    return start_report(country=country("GHA"), cycle=open_cycle)


def fill_required(report):
    """Answer every required question (only those), as a focal point would have."""
    import random

    from countries.models import Country
    from reports.models import Question
    from reports.services import bulk_store_answers
    from reports.synthetic import SyntheticAnswers

    questions = list(
        Question.objects.filter(version_id=report.cycle.questionnaire_id).order_by("position")
    )
    generator = SyntheticAnswers(
        random.Random(7), list(Country.objects.values_list("iso3", flat=True))
    )
    items = [
        (report, question, value)
        for question, value in generator.for_report(
            questions, capacity=1.0, cycle=report.cycle, iso2="GH", completeness=0.0
        )
    ]
    bulk_store_answers(items)
    return report


@pytest.fixture(autouse=True)
def _fresh_questionnaire_structures():
    """Database ids can repeat between tests (rolled back), so no structure outlives a test."""
    from reports.selectors import forget_questionnaire_structures

    forget_questionnaire_structures()
    yield
    forget_questionnaire_structures()


def _staff(email, group_name):
    from accounts.services import ensure_role_groups
    from tests.factories import StaffFactory

    user = StaffFactory(email=email, is_superuser=False)
    user.groups.add(ensure_role_groups()[group_name])
    return user


@pytest.fixture
def secretariat_reviewer(db):
    from accounts.services import REVIEWERS

    return _staff("reviewer@unoda.example", REVIEWERS)


@pytest.fixture
def secretariat_admin(db):
    from accounts.services import ADMINISTRATORS

    return _staff("admin@unoda.example", ADMINISTRATORS)


@pytest.fixture
def observer(db):
    from accounts.services import OBSERVERS

    return _staff("observer@unoda.example", OBSERVERS)


@pytest.fixture
def submitted_report(ghana_report, submitter):
    from reports.services.submission import submit_report

    fill_required(ghana_report)
    submit_report(report=ghana_report, user=submitter)
    ghana_report.refresh_from_db()
    return ghana_report


@pytest.fixture
def users_by_role(
    submitter, contributor, other_focal, observer, secretariat_reviewer, secretariat_admin
):
    """The signed-in people of the permission matrices, by role (see helpers.ROLE_GROUP)."""
    return {
        "contributor": contributor,
        "submitter": submitter,
        "mexico": other_focal,
        "observer": observer,
        "reviewer": secretariat_reviewer,
        "admin": secretariat_admin,
    }


@pytest.fixture
def compiled(open_cycle):
    """The open cycle with three accepted reports, its statistics compiled: Ghana and Benin
    (Africa) and France (Europe) reported; Ghana and France have an agency; Ghana asks for help."""
    from reports.statistics.compile import compile_cycle
    from tests.helpers import accepted_snapshot as accepted

    accepted(
        open_cycle,
        "GHA",
        {
            "1.1": "yes",
            "9.3": 4,
            "9.4": 12,
            "9.5": 10,
            "10.1": "yes",
            "10.1.1": [{"topic": "ddr", "description": "Reintegration"}],
        },
    )
    accepted(open_cycle, "BEN", {"1.1": "no", "9.3": 1, "9.4": 0, "9.5": 0})
    accepted(open_cycle, "FRA", {"1.1": "yes", "9.3": 30, "9.4": 2, "9.5": 2})
    compile_cycle(open_cycle)
    return open_cycle
