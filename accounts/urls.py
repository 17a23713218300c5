"""The signed-in person's own pages, under /accounts/ (before django.contrib.auth's URLs, so that
the sign-in here replaces Django's)."""

from django.urls import path

from accounts import two_factor_views, views

urlpatterns = [
    path("login/", two_factor_views.SignInView.as_view(), name="login"),
    path("login/verify/", two_factor_views.verify_view, name="two-factor-verify"),
    path("two-factor/", two_factor_views.account_view, name="two-factor"),
    path("two-factor/setup/", two_factor_views.setup_view, name="two-factor-setup"),
    path(
        "two-factor/recovery-codes/",
        two_factor_views.recovery_codes_view,
        name="two-factor-recovery-codes",
    ),
    path("two-factor/disable/", two_factor_views.disable_view, name="two-factor-disable"),
    path("tokens/", views.tokens_view, name="api-tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_view, name="api-token-revoke"),
]
