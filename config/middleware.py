"""Middleware of our own: requests carrying NUL characters are refused up front (PostgreSQL
cannot store or compare them, and no person types one, so they would otherwise end as a server
error), and every response carries the Content-Security-Policy."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            if request.path.startswith("/api/"):  # the API's one error shape
                return JsonResponse(
                    {
                        "error": {
                            "code": "nul_character",
                            "message": "The request contains a NUL character; nothing was changed.",
                        }
                    },
                    status=400,
                )
            return HttpResponseBadRequest(
                render_to_string("400.html", {"reason": "The request contains a NUL character."})
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path:
            return True
        sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for data in sources:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return True
        return False


def build_policy(directives: dict[str, list[str]]) -> str:
    """{"script-src": ["'self'"], …} → "script-src 'self'; …" (a directive with no source
    list, such as upgrade-insecure-requests, stands alone)."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Sends settings.CONTENT_SECURITY_POLICY with every response (Django 5.2 has no CSP of its
    own). The policy allows no inline script, so markup that slipped past escaping still cannot
    run. A view that needs another policy (an SVG chart, say) sets the header itself and keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = build_policy(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.header
        return response
