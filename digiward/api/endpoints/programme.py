"""Home-support requests, donation campaigns and the commune's headline figures."""

from datetime import timedelta

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from digiward.api.auth import access_of, read_token
from digiward.api.endpoints import PROBLEMS, Pages
from digiward.api.schemas import CampaignOut, HomeSupportRequestOut, Kpis
from digiward.core.audit import audit_record
from digiward.core.models import AuditAction
from digiward.core.permissions import Perm
from digiward.donations.selectors import campaign_progress
from digiward.guidance.selectors import help_sessions_by_commune
from digiward.homecare.models import HomeSupportRequest, RequestStatus
from digiward.homecare.selectors import RequestLoad, request_load_by_commune
from digiward.learning.selectors import skills_confirmed_by_commune
from digiward.registry.selectors import JourneyReach, journey_reach_by_commune

router = Router(tags=["programme"], auth=read_token)

SESSION_DAYS = 30


class RequestFilters(Schema):
    status: RequestStatus | None = None
    overdue: bool | None = None


@router.get("/home-support-requests", response={200: list[HomeSupportRequestOut], **PROBLEMS})
@paginate(Pages, page_size=50)
def request_list(
    request: HttpRequest, filters: Query[RequestFilters]
) -> QuerySet[HomeSupportRequest]:
    access = access_of(request)
    access.require(Perm.VIEW_HOME_SUPPORT)
    requests = HomeSupportRequest.objects.for_access(access)
    if filters.status is not None:
        requests = requests.filter(status=filters.status)
    if filters.overdue is not None:
        today = timezone.localdate()
        requests = (
            requests.filter(due_on__lt=today)
            if filters.overdue
            else requests.exclude(due_on__lt=today)
        )
    audit_record(
        action=AuditAction.VIEW,
        commune=access.commune,
        object_type="homecare.homesupportrequest",
        object_repr=f"API list {request.GET.urlencode()}"[:200],
    )
    return requests.order_by("-received_on", "-pk")


@router.get("/campaigns", response={200: list[CampaignOut], **PROBLEMS})
def campaign_list(request: HttpRequest) -> list[dict[str, object]]:
    """Campaigns not yet closed, with their progress (households listed, phones handed over)."""
    access = access_of(request)
    access.require(Perm.VIEW_CAMPAIGNS)
    return [
        {
            "id": p.campaign.pk,
            "name": p.campaign.name,
            "status": p.campaign.status,
            "starts_on": p.campaign.starts_on,
            "ends_on": p.campaign.ends_on,
            "households_listed": p.households_listed,
            "phones_available": p.phones_available,
            "allocated": p.allocated,
            "handed_over": p.handed_over,
        }
        for p in campaign_progress(access)
    ]


@router.get("/kpis", response={200: Kpis, **PROBLEMS})
def kpis(request: HttpRequest) -> dict[str, object]:
    """The commune's headline figures: the same selectors as the province roll-up."""
    access = access_of(request)
    access.require(Perm.VIEW_STATISTICS)
    commune_id = access.commune.pk
    today = timezone.localdate()
    reach = journey_reach_by_commune([commune_id], today).get(commune_id, JourneyReach())
    sessions = help_sessions_by_commune(
        [commune_id], start=today - timedelta(days=SESSION_DAYS - 1), end=today
    ).get(commune_id, 0)
    load = request_load_by_commune([commune_id], today).get(commune_id, RequestLoad())
    return {
        "as_of": timezone.now(),
        "adults": reach.adults,
        "on_journey": reach.on_journey,
        "vneid_level2": reach.vneid_level2,
        "online_service": reach.online_service,
        "independent": reach.independent,
        "skills_confirmed": skills_confirmed_by_commune([commune_id], today).get(commune_id, 0),
        "help_sessions_30_days": sessions,
        "home_support_open": load.open,
        "home_support_overdue": load.overdue,
    }
