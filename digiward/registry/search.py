"""Searching the registry on behalf of someone: the one entry point every screen uses
(the registry's search box, the help-session log, linking a home-support request).

A citizen ID typed into a search box asks "who, in this ward, has this number?". With
the masked number, the sex and the birth year on a resident's page, all but three
digits of an ID are known, so an unlimited ID search is a way to recover full IDs by
guessing. Hence:

- searching by a citizen ID is only for roles that may see full IDs
  (`Perm.VIEW_FULL_CITIZEN_ID`); anyone else is told to search by name, phone or
  household code, and repeated attempts raise a security alert;
- for everyone, ID-shaped searches are limited per person and hour; going over the
  limit is refused and raises a security alert;
- every search is audited, with an ID-shaped term stored masked.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.alerts import security_alert
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction
from digiward.core.permissions import Perm
from digiward.core.ratelimit import hit
from digiward.registry.citizen_ids import looks_like_citizen_id
from digiward.registry.selectors import SearchPage, resident_search

WINDOW = timedelta(hours=1)
# An officer at the desk looks up a few people an hour by their card; 30 in an hour is a
# full queue of walk-ins, and far below what guessing digits needs (hundreds).
ID_SEARCHES_PER_HOUR = 30
# Someone without the right tried this many times in an hour: not a slip of the finger.
REFUSALS_BEFORE_ALERT = 3


class SearchRefused(DomainError):
    """The search was not run; the message says why and what to do instead."""


def resident_search_for(
    access: Access,
    query: str,
    *,
    purpose: str = "",
    page: int = 1,
    page_size: int = 25,
    include_inactive: bool = False,
) -> SearchPage:
    """Search the acting commune's registry as `access` may. Raises SearchRefused."""
    query = query.strip()
    if looks_like_citizen_id(query):
        _check_citizen_id_search(access)
    results = resident_search(
        access.commune,
        query,
        page=page,
        page_size=page_size,
        include_inactive=include_inactive,
        allow_citizen_id=True,  # checked above
    )
    where = f" ({purpose})" if purpose else ""
    audit_record(
        action=AuditAction.VIEW,
        commune=access.commune,
        object_type="registry.resident",
        object_repr=f"search “{query}”{where} page {page}",
    )
    return results


def _check_citizen_id_search(access: Access) -> None:
    user = access.user
    if not access.has(Perm.VIEW_FULL_CITIZEN_ID):
        refusals = hit(f"id-search-refused:{user.pk}", window=WINDOW)
        audit_record(
            action=AuditAction.VIEW,
            commune=access.commune,
            object_type="registry.resident",
            object_repr="search by citizen ID refused",
        )
        if refusals == REFUSALS_BEFORE_ALERT:
            security_alert(
                kind="citizen-id-search",
                commune=access.commune,
                about=user,
                what=_(
                    "%(n)s searches by citizen ID within an hour by someone who may not "
                    "see citizen IDs."
                )
                % {"n": refusals},
            )
        raise SearchRefused(
            _(
                "Only officers who may see citizen IDs can search by one. "
                "Search by the person's name, phone number or household code."
            ),
            field="q",
        )
    searches = hit(f"id-search:{user.pk}", window=WINDOW)
    if searches > ID_SEARCHES_PER_HOUR:
        if searches == ID_SEARCHES_PER_HOUR + 1:
            security_alert(
                kind="citizen-id-search",
                commune=access.commune,
                about=user,
                what=_("More than %(n)s searches by citizen ID within an hour.")
                % {"n": ID_SEARCHES_PER_HOUR},
            )
        raise SearchRefused(
            _(
                "You have searched by citizen ID %(n)s times in the last hour, the most "
                "allowed. Search by name, or try again later."
            )
            % {"n": ID_SEARCHES_PER_HOUR},
            field="q",
        )
