"""The OpenAPI schema is valid, names every /api/v1/ URL, and the docs pages serve it with
Swagger UI's assets from drf-spectacular-sidecar (nothing fetched from a CDN)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from reports.api.urls import v1

pytestmark = pytest.mark.django_db


def openapi_path(route: str) -> str:
    """ "reports/<int:pk>/" -> "/api/v1/reports/{id}/" (drf-spectacular names a pk "id")."""
    path = "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    return path.replace("{pk}", "{id}")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_is_valid(schema, tmp_path):
    try:
        from openapi_spec_validator import validate
    except ImportError:
        validate = None
    if validate is not None:
        validate(schema)
    # drf-spectacular's own validation, and no warning about anything it had to guess.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))


def test_every_v1_url_is_in_the_schema(schema):
    missing = [str(p.pattern) for p in v1 if openapi_path(str(p.pattern)) not in schema["paths"]]
    assert not missing, f"not in the schema: {missing}"
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_every_operation_declares_its_errors(schema):
    """Each operation says what its errors look like (401 at least, in the one error shape)."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            content = responses["401"]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Error"}, (method, path)


def test_schema_and_docs_pages(staff_client):
    response = staff_client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/cycles/{year}/statistics/" in response.content
    docs = staff_client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    asset = re.search(r'(/static/drf_spectacular_sidecar/[^"\']+\.js)', html).group(1)
    assert staff_client.get(asset).status_code == 200


def test_schema_and_docs_are_public_and_hold_no_data(staff_client, open_cycle):
    """Deliberately public, like any published API's reference: a State's developers read it
    before they have an account. It describes endpoints and shapes only: the same text for
    everyone, nothing from the database (no person, no report), nothing about the servers."""
    from django.test import Client

    from reports.services import start_report
    from tests.factories import MembershipFactory, UserFactory, country

    client = Client()  # nobody signed in
    person = UserFactory(email="focal.point@gh.example")
    MembershipFactory(user=person, country=country("GHA"))
    report = start_report(country=country("GHA"), cycle=open_cycle)
    anonymous = client.get("/api/schema/?format=json")
    assert anonymous.status_code == 200
    assert anonymous.content == staff_client.get("/api/schema/?format=json").content
    text = anonymous.content.decode()
    assert person.email not in text and "staff@example.org" not in text
    assert f"/reports/{report.pk}/" not in text and '"servers"' not in text
    for secret_or_host in ("127.0.0.1", "localhost", "postgres", "redis", "SECRET"):
        assert secret_or_host not in text, secret_or_host
    assert client.get("/api/docs/").status_code == 200
    # The data itself is not public: the endpoints the schema describes need a sign-in.
    assert client.get("/api/v1/reports/").status_code == 401
