from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.two_factor_views import admin_sign_in_view
from config.health import healthz
from config.language import set_language

admin.site.site_header = _("PoA Reports administration")
admin.site.site_title = "PoA Reports"
admin.site.index_title = _("Secretariat")

urlpatterns = [
    # Before the admin's URLs: its sign-in form would skip the second step.
    path("admin/login/", admin_sign_in_view),
    path("admin/", admin.site.urls),
    # The person's own pages first: they share the prefix with django.contrib.auth's.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", healthz, name="healthz"),
    # The language switcher: Django's set_language (same address as django.conf.urls.i18n) that
    # also saves a signed-in person's choice.
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", include("reports.api.urls")),
    path("", include("countries.urls")),
    path("", include("reports.urls")),
    path("", include("reports.summary.urls")),
]
