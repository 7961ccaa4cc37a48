"""Procedures and their step-by-step guides: public, no token (what the public pages show)."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import paginate

from digiward.api.auth import public_rate_limit
from digiward.api.endpoints import PROBLEMS, Pages
from digiward.api.schemas import GuideOut, ProcedureDetail, ProcedureOut
from digiward.procedures.models import Guide, Procedure, ProcedureField
from digiward.procedures.selectors import guide_with_procedure
from digiward.public.views import public_commune

router = Router(tags=["procedures (public)"])


def _procedure_out(procedure: Procedure) -> dict[str, object]:
    return {
        "slug": procedure.slug,
        "code": procedure.code,
        "name": procedure.display_name,
        "field": procedure.field,
        "online_level": procedure.online_level,
        "summary": procedure.display_summary,
        "fee_text": procedure.citizen_fee,
        "time_limit_text": procedure.citizen_time_limit,
        "home_support_possible": procedure.home_support_possible,
    }


def _published() -> QuerySet[Procedure]:
    return Procedure.objects.published().visible_in(public_commune())


@router.get("/procedures", response={200: list[ProcedureOut], **PROBLEMS})
@paginate(Pages, page_size=50)
def procedure_list(
    request: HttpRequest, field: ProcedureField | None = None
) -> list[dict[str, object]]:
    public_rate_limit(request)
    procedures = _published().order_by("-popularity", "name", "pk")
    if field is not None:
        procedures = procedures.filter(field=field)
    return [_procedure_out(p) for p in procedures]


@router.get("/procedures/{slug}", response={200: ProcedureDetail, **PROBLEMS})
def procedure_detail(request: HttpRequest, slug: str) -> dict[str, object]:
    public_rate_limit(request)
    procedure = (
        _published()
        .prefetch_related(
            Prefetch(
                "guides",
                queryset=Guide.objects.filter(current__isnull=False).select_related("current"),
            )
        )
        .filter(slug=slug)
        .first()
    )
    if procedure is None:
        raise Http404
    return {
        **_procedure_out(procedure),
        "documents": [str(d) for d in procedure.display_documents],
        "guides": [
            {"slug": g.slug, "title": g.current.display_title}
            for g in procedure.guides.all()
            if g.current is not None
        ],
    }


@router.get("/guides/{slug}", response={200: GuideOut, **PROBLEMS})
def guide_detail(request: HttpRequest, slug: str) -> dict[str, object]:
    public_rate_limit(request)
    guide = guide_with_procedure(slug, public_commune())
    if guide is None or guide.current is None:
        raise Http404
    version = guide.current
    return {
        "slug": guide.slug,
        "title": version.display_title,
        "audience": version.audience,
        "steps": [{"text": step["text"]} for step in version.localized_steps],
        "what_to_bring": [str(item) for item in version.display_bring],
        "common_mistakes": [str(item) for item in version.display_mistakes],
    }
