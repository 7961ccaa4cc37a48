"""Sign-in with a clear message when a session has expired; changing one's password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from digiward.core.audit import audit_record
from digiward.core.forms import SignInForm
from digiward.core.models import AuditAction, User


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request = self.request
        # A session cookie that no longer maps to a session: it expired or was ended.
        stale_cookie = (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and request.session.session_key is None
            and "next" in request.GET
        )
        context["session_expired"] = stale_cookie or request.GET.get("expired") == "1"
        return context

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if any(error.code == "throttled" for error in form.errors.as_data().get("__all__", [])):
            response.status_code = 429
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page; choosing one's own password ends a temporary one."""

    template_name = "registration/password_change.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user: User = form.user
        if user.must_change_password:
            User.objects.filter(pk=user.pk).update(must_change_password=False)
        audit_record(
            action=AuditAction.CHANGE,
            commune=None,
            obj=user,
            changes={"password": ["•••", "•••"]},
            note="changed by the person",
        )
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["must_change"] = self.request.user.must_change_password  # type: ignore[union-attr]
        return context
