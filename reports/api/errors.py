"""One error shape for the whole API:

    {"error": {"code": "validation_error", "message": "…", "fields": {"name": ["…"]}}}

`code` is machine-readable; `fields` is there when the problem is with particular fields.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class Conflict(exceptions.APIException):
    """A write based on an older version than the stored one (nothing was changed)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "version_conflict"
    default_detail = gettext_lazy("Someone saved a newer version first; nothing was changed.")

    def __init__(self, detail: str | None = None, *, current: Any = None) -> None:
        super().__init__(detail)
        self.current = current


class Unavailable(exceptions.APIException):
    """The database refused or lost a write; it was rolled back, nothing changed."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "unavailable"
    default_detail = gettext_lazy(
        "The database did not accept the change, so nothing was changed. Try again in a few "
        "minutes."
    )


log = logging.getLogger(__name__)


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for name, value in detail.items():
            if isinstance(value, dict):
                for inner, messages in _flatten(value).items():
                    fields[f"{name}.{inner}"] = messages
            elif isinstance(value, list):
                flat = []
                for item in value:
                    if isinstance(item, dict):
                        for inner, messages in _flatten(item).items():
                            fields[f"{name}.{inner}"] = messages
                    else:
                        flat.append(str(item))
                if flat:
                    fields[name] = flat
            else:
                fields[name] = [str(value)]
        return fields
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {}


def api_exception_handler(exc, context) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()  # DRF's own "Not found.", translated by DRF
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DatabaseError):
        # A clear answer in the error shape rather than a 500 page; the cause is logged.
        log.error("Database error in %s", context.get("view"), exc_info=exc)
        exc = Unavailable()
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    if isinstance(exc, exceptions.ValidationError):
        code = "validation_error"
        fields = _flatten(detail)
        message = _("The request has errors; see the fields.")
        if list(fields) == ["non_field_errors"]:
            message = fields["non_field_errors"][0]
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = codes if isinstance(codes, str) else "error"
        message = str(detail) if not isinstance(detail, dict | list) else _("The request failed.")
        fields = _flatten(detail) if isinstance(detail, dict | list) else {}
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    data: dict[str, Any] = {"error": body}
    if isinstance(exc, Conflict):
        data["current"] = exc.current
    response.data = data
    return response


@csrf_exempt  # nothing happens here; a CSRF refusal would be an HTML page
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other URL under /api/ (e.g. /api/v1/cycles/-1/): 404 in the error shape, not a page."""
    return JsonResponse(
        {"error": {"code": "not_found", "message": str(exceptions.NotFound.default_detail)}},
        status=status.HTTP_404_NOT_FOUND,
    )
