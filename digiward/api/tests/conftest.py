from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from digiward.api.models import TokenScope
from digiward.api.tokens import token_create
from digiward.core.access import access_for
from digiward.core.models import Commune, User


class ApiClient:
    """A test client that sends a bearer token and reads JSON."""

    def __init__(self, secret: str) -> None:
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.secret = secret

    def get(self, path: str, **params: object) -> Any:
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path: str, body: object) -> Any:
        return self.client.post(f"/api/v1{path}", body, content_type="application/json")


@pytest.fixture
def api_for() -> Callable[..., ApiClient]:
    def make(user: User, commune: Commune, scope: str = TokenScope.READ) -> ApiClient:
        access = access_for(user, commune)
        assert access is not None
        created = token_create(access=access, name="test", scope=scope, days=30)
        return ApiClient(created.secret)

    return make
