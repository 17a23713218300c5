"""Schemathesis against the live server: every operation of the published schema, requests
generated from it, as a focal point and as a secretariat administrator.

Each operation is called with generated path parameters (mostly objects that do not exist) and
again with the ids of the world's objects (so the answers are real ones), within a fixed budget
of examples, derandomized (the same requests every run), without shrinking. No answer may be a
5xx; every answer's status, content type and body must be the ones the schema declares.
"""

from __future__ import annotations

import time

import pytest
import requests
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tokens import create_token
from reports.services import start_report
from reports.services.submission import submit_report
from reports.statistics.compile import compile_cycle
from reports.summary.services import create_summary_report
from tests.factories import country
from tests.helpers import authenticator

# serialized_rollback like the other live-server tests: the flush after a transactional test
# would otherwise recreate the content types that the next one restores from its snapshot.
pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 10  # per operation, token and kind of path parameters (fewer when fewer exist)
MIN_REQUESTS = 1000
TIME_LIMIT = 150  # seconds for the generated requests


@pytest.fixture
def world(open_cycle, other_focal, secretariat_admin, submitter):
    ghana = start_report(country=country("GHA"), cycle=open_cycle)
    from tests.conftest import fill_required

    fill_required(ghana)
    submit_report(report=ghana, user=submitter)
    mexico = start_report(country=country("MEX"), cycle=open_cycle)
    fill_required(mexico)
    submit_report(report=mexico, user=other_focal)
    compile_cycle(open_cycle)
    summary = create_summary_report(cycle=open_cycle, user=secretariat_admin)
    return {"ghana": ghana, "mexico": mexico, "summary": summary}


def describe(error: BaseException) -> str:
    parts = [str(error)]
    for inner in getattr(error, "exceptions", ()):
        parts.append(f"{type(inner).__name__}: {inner}")
    return "\n".join(parts)[:2000]


def exercise(strategy, base_url: str, session, headers: dict, sent: list[int]) -> None:
    """Send the strategy's requests, counting them in `sent` (a failing check raises)."""

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        response = case.call(base_url=base_url, session=session, headers=headers)
        sent[0] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


def test_api_conforms_to_its_schema(live_server, world, other_focal, secretariat_admin):
    from django.conf import settings as django_settings
    from django.test import override_settings

    tokens = {
        "focal point": create_token(user=other_focal, name="schemathesis")[1],
        "staff": create_token(user=authenticator(secretariat_admin).user, name="schemathesis")[1],
    }
    fixed = {
        "id": world["mexico"].pk,
        "year": world["ghana"].cycle.year,
        "report_id": world["summary"].pk,
        "number": 1,
        "code": "1.1.1",
        "iso3": "MEX",
    }
    rates = {**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "100000/minute"}}
    with override_settings(REST_FRAMEWORK=rates):
        cache.clear()
        schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 20
        session = requests.Session()
        sent = [0]
        failures: list[str] = []
        started = time.monotonic()

        for operation in operations:
            names = {p.name for p in operation.path_parameters}
            variants = [{}]
            if names:
                # The focal point's own country's report is Mexico's; staff see every report.
                variants.append({name: fixed[name] for name in names if name in fixed})
            before, began = sent[0], time.monotonic()
            for who, raw in tokens.items():
                headers = {"Authorization": f"Bearer {raw}"}
                for path_parameters in variants:
                    strategy = operation.as_strategy(path_parameters=path_parameters or None)

                    try:
                        exercise(strategy, live_server.url, session, headers, sent)
                    except (Exception, BaseExceptionGroup) as error:  # report them all at the end
                        failures.append(f"{operation.label} as {who}: {describe(error)}")
            print(f"{operation.label}: {sent[0] - before} in {time.monotonic() - began:.1f} s")
            assert time.monotonic() - started < TIME_LIMIT, f"over {TIME_LIMIT} s after {sent[0]}"

    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
    assert sent[0] >= MIN_REQUESTS, f"only {sent[0]} requests were generated"
