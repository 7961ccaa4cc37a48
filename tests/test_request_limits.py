"""Requests that used to crash or fill the disk (security test finding 9)."""

from __future__ import annotations

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from digiward.core.testing import client_in
from digiward.homecare.models import HomeSupportRequest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_day_plans_at_the_ends_of_the_calendar_are_not_found(commune, officer, day):
    client = client_in(officer, commune)
    assert client.get(reverse("homecare:plan_detail", args=[day])).status_code == 404
    assert client.get(reverse("homecare:route_sheet", args=[day, officer.pk])).status_code == 404
    assert client.get(reverse("homecare:my_visits"), {"day": day}).status_code == 404


@pytest.mark.parametrize(("year", "month"), [(9999, 12), (1, 1), (9999, 1), (2026, 13)])
def test_rosters_at_the_ends_of_the_calendar_are_not_found(commune, admin, year, month):
    response = client_in(admin, commune).get(reverse("guidance:roster_month", args=[year, month]))
    assert response.status_code == 404


def test_a_huge_anonymous_post_is_refused_before_it_is_read(client):
    response = client.post(
        reverse("public:help_at_home"),
        {"person_name": "x"},
        CONTENT_LENGTH=str(300 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "quá lớn" in response.content.decode()
    assert not HomeSupportRequest.objects.exists()


def test_staff_may_send_a_ward_list_but_not_a_disk_full(commune, officer):
    client = client_in(officer, commune)
    ward_list = SimpleUploadedFile("ds.csv", b"ma_ho,ho_ten\n" + b"x" * (3 * 1024 * 1024))
    small = client.post(reverse("registry:import"), {"file": ward_list})
    assert small.status_code != 413
    huge = client.post(reverse("registry:import"), {}, CONTENT_LENGTH=str(2 * 1024**3))
    assert huge.status_code == 413


def test_a_403_is_logged_in_one_line_without_a_traceback(commune, volunteer, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_in(volunteer, commune).get(reverse("core:member_list"))
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records, "the refusal is still logged"
    assert all(r.exc_info is None and not r.exc_text for r in records)
