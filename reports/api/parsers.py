"""Request bodies: JSON that cannot crash the parser, within the size Django accepts."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = gettext_lazy("The request body is too large.")


class SafeJSONParser(JSONParser):
    """JSON bodies: nesting too deep for the parser is a 400 like any malformed body, and a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 before it is read."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440
        if request is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise BodyTooLarge(
                    _("The request body is %(length)s bytes; at most %(limit)s are accepted.")
                    % {"length": f"{length:,}", "limit": f"{limit:,}"}
                )
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise exceptions.ParseError(_("JSON parse error - nested too deeply.")) from error
