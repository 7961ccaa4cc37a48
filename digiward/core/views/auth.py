"""Sign-in with a clear message when a session has expired."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views

from digiward.core.forms import SignInForm


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
