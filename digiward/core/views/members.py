"""The commune administrator's screens: who can sign in here, with which role."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digiward.core import mfa, services
from digiward.core.access import CommuneRequest, commune_required
from digiward.core.attempts import attempt
from digiward.core.forms import (
    ExistingMemberForm,
    MemberCreateForm,
    RoleGrantForm,
    TemporaryPasswordForm,
)
from digiward.core.models import Invitation, Membership, User
from digiward.core.permissions import Perm
from digiward.core.selectors import commune_roles_of, members_of, recent_invitations_of


def _get_member(request: CommuneRequest, user_id: int) -> User:
    """A user with a role in the active commune, or 404."""
    return get_object_or_404(members_of(request.access.commune), pk=user_id)


@commune_required(Perm.MANAGE_MEMBERS)
def member_list(request: CommuneRequest) -> HttpResponse:
    members = members_of(request.access.commune)
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    commune = request.access.commune
    roles = {
        user.pk: [m for m in user.memberships.all() if m.commune_id == commune.pk] for user in page
    }
    invitations = recent_invitations_of(commune)[:50]
    return render(
        request,
        "core/member_list.html",
        {"page_obj": page, "roles": roles, "invitations": invitations},
    )


@commune_required(Perm.MANAGE_MEMBERS)
@require_POST
def invitation_withdraw(request: CommuneRequest, invitation_id: int) -> HttpResponse:
    # Another commune's invitation does not exist here (404, as every scoped URL answers);
    # one of this commune already answered gets the message instead.
    get_object_or_404(Invitation, pk=invitation_id, commune=request.access.commune)
    with attempt(request, success=_("Invitation withdrawn.")):
        services.invitation_withdraw(access=request.access, invitation_id=invitation_id)
    return redirect("core:member_list")


@commune_required(Perm.MANAGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def member_add(request: CommuneRequest) -> HttpResponse:
    new_form = MemberCreateForm(request.POST if "create" in request.POST else None, prefix="new")
    existing_form = ExistingMemberForm(
        request.POST if "existing" in request.POST else None, prefix="existing"
    )
    if request.method == "POST" and "create" in request.POST and new_form.is_valid():
        data = new_form.cleaned_data
        with attempt(request, form=new_form) as created:
            user = services.member_create(
                access=request.access,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                role=data["role"],
                password=data["password"],
            )
        if created.ok:
            messages.success(request, _("%(name)s can now sign in.") % {"name": user.full_name})
            return redirect("core:member_detail", user_id=user.pk)
    if request.method == "POST" and "existing" in request.POST and existing_form.is_valid():
        data = existing_form.cleaned_data
        with attempt(request, form=existing_form) as invited:
            services.member_invite(
                access=request.access, username=data["username"], role=data["role"]
            )
        if invited.ok:
            # The same words whether or not the account exists (see member_invite).
            messages.success(
                request,
                _(
                    "Invitation sent to “%(username)s”. If this account exists, the person "
                    "sees it when they sign in; the role is added once they accept."
                )
                % {"username": data["username"].strip()},
            )
            return redirect("core:member_list")
    return render(
        request, "core/member_add.html", {"new_form": new_form, "existing_form": existing_form}
    )


@commune_required(Perm.MANAGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def member_detail(request: CommuneRequest, user_id: int) -> HttpResponse:
    member = _get_member(request, user_id)
    grant_form = RoleGrantForm(request.POST if "grant" in request.POST else None)
    password_form = TemporaryPasswordForm(request.POST if "password" in request.POST else None)
    if request.method == "POST":
        with attempt(request):
            if "grant" in request.POST and grant_form.is_valid():
                services.membership_grant(
                    access=request.access, user=member, role=grant_form.cleaned_data["role"]
                )
                messages.success(request, _("Role added."))
                return redirect("core:member_detail", user_id=member.pk)
            if "password" in request.POST and password_form.is_valid():
                services.member_set_password(
                    access=request.access,
                    user=member,
                    password=password_form.cleaned_data["password"],
                )
                messages.success(request, _("The temporary password is set."))
                return redirect("core:member_detail", user_id=member.pk)
            if "reset_two_step" in request.POST:
                mfa.mfa_reset_by_admin(
                    access=request.access, user=member, reason=request.POST.get("reason", "")
                )
                messages.success(
                    request, _("Two-step sign-in was reset: the person sets it up again.")
                )
                return redirect("core:member_detail", user_id=member.pk)
            if "activate" in request.POST or "deactivate" in request.POST:
                services.member_set_active(
                    access=request.access, user=member, active="activate" in request.POST
                )
                messages.success(request, _("Saved."))
                return redirect("core:member_detail", user_id=member.pk)
    return render(
        request,
        "core/member_detail.html",
        {
            "member": member,
            "memberships": commune_roles_of(member, request.access.commune),
            "grant_form": grant_form,
            "password_form": password_form,
            "two_step": mfa.has_confirmed_totp(member),
            "two_step_required": mfa.mfa_required(member),
        },
    )


@commune_required(Perm.MANAGE_MEMBERS)
@require_POST
def membership_revoke(request: CommuneRequest, membership_id: int) -> HttpResponse:
    membership = Membership.objects.filter(pk=membership_id, commune=request.access.commune).first()
    if membership is None:
        raise Http404
    with attempt(request, success=_("Role removed.")):
        services.membership_revoke(access=request.access, membership=membership)
    return redirect("core:member_detail", user_id=membership.user_id)
