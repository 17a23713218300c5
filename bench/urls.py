"""The app's URLs plus bare views, the yardsticks the benchmarks compare against."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView


def bare(request: HttpRequest, size: int) -> HttpResponse:
    """As little work as a signed-in page can do to answer `size` bytes.

    Like every page of the product, it resolves `request.user`, so it pays the same session and
    user look-ups; Django's lazy authentication would otherwise skip them for a view that never
    asks who is signed in.
    """
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    return HttpResponse(b"x" * size, content_type="text/html")


# The JSON the bare API view answers; the API benchmark puts the real endpoint's answer here.
API_PAYLOAD: dict = {}


class BareApi(APIView):
    """As little as an API endpoint can do: the same authentication (the token's look-up),
    permission and throttle classes as every endpoint, and the same JSON, already built."""

    def get(self, request):
        return Response(API_PAYLOAD)


urlpatterns = [
    path("bench/bare/<int:size>/", bare),
    path("bench/bare-api/", BareApi.as_view()),
    path("", include("config.urls")),
]
