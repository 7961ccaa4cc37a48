"""URL map. Staff pages live under /app/, citizens' public pages at the root."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from digiward.api.urls import api_urls
from digiward.core.views import mfa
from digiward.core.views.auth import PasswordChangeView, SignInView
from digiward.core.views.pages import healthz

urlpatterns = [
    path("", include("digiward.api.urls")),  # /app/account/tokens/ and /api/openapi.json
    path("api/v1/", api_urls),
    path("", include("digiward.learning.urls")),  # /app/learning/… and /chung-nhan/…
    path("", include("digiward.public.urls")),
    path("app/", include("digiward.reports.urls")),
    path("app/", include("digiward.core.urls")),
    path("app/registry/", include("digiward.registry.urls")),
    path("app/procedures/", include("digiward.procedures.urls")),
    path("app/home-support/", include("digiward.homecare.urls")),
    path("app/guidance/", include("digiward.guidance.urls")),
    path("app/donations/", include("digiward.donations.urls")),
    path("", include("digiward.messaging.urls")),  # /app/messages/ and the gateways' webhooks
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/two-step/setup/", mfa.mfa_setup, name="mfa_setup"),
    path("accounts/two-step/", mfa.mfa_verify, name="mfa_verify"),
    path("accounts/security/", mfa.account_security, name="account_security"),
    path("accounts/security/recovery-codes/", mfa.recovery_codes_new, name="mfa_recovery_codes"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("", include("digiward.ops.urls")),  # /readyz
    path("admin/", admin.site.urls),
]

handler404 = "digiward.core.views.errors.page_not_found"
handler500 = "digiward.core.views.errors.server_error"
