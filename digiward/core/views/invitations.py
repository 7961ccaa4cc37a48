"""Answering an invitation to work in another commune (the invited person's side)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from digiward.core import services
from digiward.core.attempts import attempt
from digiward.core.models import User
from digiward.core.params import id_from
from digiward.core.selectors import open_invitations_for


@login_required
@require_http_methods(["GET", "POST"])
def my_invitations(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        invitation_id = id_from(request.POST.get("invitation"))
        answer = request.POST.get("answer", "")
        if invitation_id is None or answer not in ("accept", "decline"):
            messages.error(request, _("Choose an invitation and an answer."))
            return redirect("core:invitations")
        with attempt(request):
            if answer == "accept":
                membership = services.invitation_accept(user=user, invitation_id=invitation_id)
                messages.success(
                    request,
                    _("You now work in %(commune)s as %(role)s.")
                    % {
                        "commune": membership.commune.name if membership.commune else "",
                        "role": membership.get_role_display(),
                    },
                )
            else:
                services.invitation_decline(user=user, invitation_id=invitation_id)
                messages.success(request, _("Invitation declined."))
        return redirect("core:invitations")
    return render(request, "core/invitations.html", {"invitations": open_invitations_for(user)})
