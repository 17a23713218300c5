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


@pytest.fixture(autouse=True)
def _close_live_server_connections(request):
    """After a browser test, end the live server threads' database sessions.

    The threads of Django's live server can still hold a PostgreSQL session when the test
    database is dropped at the end of the run, which then fails with "being accessed by other
    users".
    """
    yield
    if request.node.get_closest_marker("browser") is None:
        return
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
