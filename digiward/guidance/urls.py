from django.urls import path  # noqa: F401

app_name = "guidance"

urlpatterns: list = []  # type: ignore[type-arg]
