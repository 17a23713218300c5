"""Requests carrying NUL characters are refused up front: PostgreSQL cannot store or compare
them, and no person types one, so they would otherwise end as a server error."""

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
