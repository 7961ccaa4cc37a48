"""The NinjaAPI instance: /api/v1/, its routers and its one error body."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control
from ninja import NinjaAPI, Router
from ninja.operation import Operation

from digiward.api import errors
from digiward.api.auth import access_of, read_token
from digiward.api.endpoints import PROBLEMS, catalog, guidance, programme, registry
from digiward.api.models import ApiToken
from digiward.api.schemas import Me

VERSION = "1"


class DigiWardAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # "household_list", not "digiward_api_endpoints_registry_household_list"
        return operation.view_func.__name__


api = DigiWardAPI(
    title="DigiWard API",
    version=VERSION,
    description=(
        "The commune's digital-inclusion programme for programs: households, residents and "
        "their digital journey, help sessions, home support, donation campaigns, headline "
        "figures, and the public procedure guides. Send `Authorization: Bearer <token>` with "
        "a token made at /app/account/tokens/; every error is an RFC 9457 problem with a "
        "stable `code`."
    ),
    urls_namespace="api-v1",
    docs_url=None,  # the schema is at /api/openapi.json; no Swagger page to vendor
    openapi_url=None,
)
errors.install(api)

me_router = Router(tags=["account"], auth=read_token)


@me_router.get("/me", response={200: Me, **PROBLEMS})
def me(request: HttpRequest) -> dict[str, object]:
    """Who the token acts for, where, and what it may do."""
    access = access_of(request)
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return {
        "username": access.user.username,
        "full_name": access.user.get_full_name(),
        "commune_code": access.commune.code,
        "commune_name": access.commune.name,
        "roles": sorted(str(role) for role in access.roles),
        "scope": token.scope,
        "expires_at": token.expires_at,
    }


api.add_router("/", me_router)
api.add_router("/", registry.router)
api.add_router("/", guidance.router)
api.add_router("/", programme.router)
api.add_router("/", catalog.router)


@cache_control(max_age=300, public=True)
def openapi_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        api.get_openapi_schema(path_prefix="/api/v1"), json_dumps_params={"ensure_ascii": False}
    )
