"""Who may do what, in which commune: the access helpers every view and API call uses.

`request.access` (set by ActiveCommuneMiddleware) holds the signed-in user, the
active commune and the roles held there. Views declare the permission they need
with `@commune_required(Perm.X)`; fetches go through `.for_access(access)` or
`get_for_access(...)`, so another commune's object is a 404 exactly like a
missing one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from digiward.core.models import Commune, Membership, Role, User
from digiward.core.permissions import Perm, permissions_for

if TYPE_CHECKING:
    from digiward.core.models.tenancy import CommuneQuerySet

SESSION_KEY = "digiward_commune_id"

P = ParamSpec("P")
M = TypeVar("M")


@dataclass(frozen=True)
class Access:
    """The signed-in user acting in one commune, with the roles held there."""

    user: User
    commune: Commune
    roles: frozenset[Role]
    perms: frozenset[Perm] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "perms", permissions_for(self.roles))

    def has(self, perm: Perm) -> bool:
        return perm in self.perms

    def require(self, perm: Perm) -> None:
        if perm not in self.perms:
            raise PermissionDenied(perm.value)


class CommuneRequest(HttpRequest):
    """What a view decorated with `commune_required` receives (for type checkers)."""

    access: Access
    user: User
    htmx: HtmxDetails


def memberships_of(user: User) -> list[Membership]:
    return list(user.memberships.select_related("commune__province", "province"))


def accessible_communes(user: User) -> QuerySet[Commune]:
    """Every commune where the user holds a role, directly or through a province."""
    return (
        Commune.objects.filter(
            Q(memberships__user=user)
            | Q(province__memberships__user=user, province__memberships__role=Role.PROVINCE_VIEWER)
        )
        .select_related("province")
        .distinct()
    )


def access_for(
    user: User, commune: Commune, memberships: list[Membership] | None = None
) -> Access | None:
    """The user's access in `commune`, or None if they hold no role there."""
    if not user.is_active:
        return None
    rows = memberships if memberships is not None else memberships_of(user)
    roles = frozenset(
        Role(m.role)
        for m in rows
        if m.commune_id == commune.pk
        or (m.role == Role.PROVINCE_VIEWER and m.province_id == commune.province_id)
    )
    return Access(user=user, commune=commune, roles=roles) if roles else None


def single_commune(memberships: list[Membership]) -> Commune | None:
    """The commune to pick without asking, when the user has exactly one and no province."""
    if any(m.province_id for m in memberships):
        return None
    communes = {m.commune_id: m.commune for m in memberships if m.commune is not None}
    return next(iter(communes.values())) if len(communes) == 1 else None


def get_for_access(queryset: CommuneQuerySet, access: Access, **lookup: Any) -> Any:
    """Fetch one commune-owned object or 404: another commune's object does not exist."""
    return get_object_or_404(queryset.for_access(access), **lookup)


def commune_required(
    perm: Perm | None = None,
) -> Callable[
    [Callable[Concatenate[CommuneRequest, P], HttpResponseBase]],
    Callable[Concatenate[HttpRequest, P], HttpResponseBase],
]:
    """Decorator: signed in, an active commune chosen, and `perm` held there.

    Anonymous → the login page; no active commune → the commune chooser;
    missing permission → 403 (a page in the site's layout).
    """

    def decorator(
        view: Callable[Concatenate[CommuneRequest, P], HttpResponseBase],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if not request.user.is_authenticated:
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(reverse("login"))
                return redirect_to_login(request.get_full_path())
            access: Access | None = getattr(request, "access", None)
            if access is None:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('core:choose_commune')}?{query}")
            if perm is not None:
                access.require(perm)
            return view(request, *args, **kwargs)  # type: ignore[arg-type]

        return wrapped

    return decorator
