"""The signed-in person's own pages, under /accounts/ (before django.contrib.auth's URLs)."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("tokens/", views.tokens_view, name="api-tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_view, name="api-token-revoke"),
]
