from django.urls import path

from digiward.api import views
from digiward.api.api import api, openapi_json

app_name = "api"

urlpatterns = [
    path("app/account/tokens/", views.token_list, name="tokens"),
    path("app/account/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("api/openapi.json", openapi_json, name="openapi"),
]

# The NinjaAPI's own URLs (namespace "api-v1"), included by config/urls.py.
api_urls = api.urls
