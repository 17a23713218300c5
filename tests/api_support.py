"""Small helpers for the API tests of a report's answers, workflow and files."""

from __future__ import annotations

import json

from django.urls import reverse

from accounts.tokens import create_token
from tests.helpers import authenticator


def url(name: str, *args, query: str = "") -> str:
    return reverse(f"api:{name}", args=args) + query


def bearer(user) -> dict[str, str]:
    """Headers that authenticate as `user` with a fresh personal token."""
    if user.is_staff:  # staff use the API, with a token too, only with two-step verification
        authenticator(user)
    _token, raw = create_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def put_json(client, path: str, body, **headers):
    return client.put(path, json.dumps(body), content_type="application/json", **headers)


def post_json(client, path: str, body=None, **headers):
    return client.post(
        path,
        json.dumps(body if body is not None else {}),
        content_type="application/json",
        **headers,
    )


def error_code(response) -> str:
    return response.json()["error"]["code"]


def patch_json(client, path: str, body, **headers):
    return client.patch(path, json.dumps(body), content_type="application/json", **headers)
