"""The app's URLs plus a bare view, the yardstick the form benchmarks compare against."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest, size: int) -> HttpResponse:
    """As little work as Django can do to answer `size` bytes."""
    return HttpResponse(b"x" * size, content_type="text/html")


urlpatterns = [
    path("bench/bare/<int:size>/", bare),
    path("", include("config.urls")),
]
