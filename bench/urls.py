"""The app's URLs plus a bare view, the yardstick the form benchmarks compare against."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest, size: int) -> HttpResponse:
    """As little work as a signed-in page can do to answer `size` bytes.

    Like every page of the product, it resolves `request.user`, so it pays the same session and
    user look-ups; Django's lazy authentication would otherwise skip them for a view that never
    asks who is signed in.
    """
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    return HttpResponse(b"x" * size, content_type="text/html")


urlpatterns = [
    path("bench/bare/<int:size>/", bare),
    path("", include("config.urls")),
]
