from django.urls import path  # noqa: F401

app_name = "donations"

urlpatterns: list = []  # type: ignore[type-arg]
