import pytest

from reports.services import load_questionnaire
from tests.factories import StaffFactory


@pytest.fixture
def shipped_questionnaire(db):
    """The PoA/ITI questionnaire shipped in reports/data/, loaded."""
    return load_questionnaire().version


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(email="staff@example.org"))
    return client
