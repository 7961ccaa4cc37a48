"""Words people read: Vietnamese order, the ward's contacts, the citizens' 404 page, dates
typed as dd/mm/yyyy, numbers with the thousands dot, and the audit log in domain words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from digiward.core.audit import audit_record
from digiward.core.audit_display import audit_lines, describe, kind_choices, kind_label
from digiward.core.collation import vi_order
from digiward.core.models import (
    AuditAction,
    AuditEvent,
    Commune,
    CommuneSettings,
    Role,
    User,
)
from digiward.core.selectors import commune_audit_events, members_of
from digiward.core.testing import assert_view_access, client_in
from digiward.core.tests.factories import MembershipFactory, UserFactory
from digiward.core.text import sort_key, sort_text, vi_sorted
from digiward.core.widgets import DateInput

# Shuffled on purpose; the expected order is the dictionary's (and ICU's "vi" with
# numeric ordering): Ă and Â after A, Đ after D, tones only break ties, 2 before 10.
NAMES = [
    "Khu vực 10",
    "Đặng Văn Bình",
    "Âu Thị Cúc",
    "Khu vực 2",
    "Ấp Bình Yên",
    "Dương Thị Hoa",
    "An Văn Tư",
    "Ưng Thị Mai",
    "Ông Văn Ba",
    "Uông Văn Tâm",
    "Ân Thị Lan",
    "Ăn Văn Quế",
    "Ơn Thị Na",
    "Ốc Văn Sơn",
    "Zô Văn Ý",
    "Bùi Văn Út",
]
EXPECTED = [
    "An Văn Tư",
    "Ăn Văn Quế",
    "Ân Thị Lan",
    "Ấp Bình Yên",
    "Âu Thị Cúc",
    "Bùi Văn Út",
    "Dương Thị Hoa",
    "Đặng Văn Bình",
    "Khu vực 2",
    "Khu vực 10",
    "Ốc Văn Sơn",
    "Ông Văn Ba",
    "Ơn Thị Na",
    "Uông Văn Tâm",
    "Ưng Thị Mai",
    "Zô Văn Ý",
]


def test_vietnamese_alphabetical_order_in_python():
    assert vi_sorted(NAMES) == EXPECTED


def test_tones_only_break_ties_and_case_comes_last():
    assert vi_sorted(["Dụng", "Dũng", "dung", "Dùng", "Duy", "Dung"]) == [
        "Dung",
        "dung",
        "Dùng",
        "Dũng",
        "Dụng",
        "Duy",
    ]
    assert sort_key("Đức") > sort_key("Duy")  # đ is a letter after d, whatever follows


@pytest.mark.django_db
def test_lists_sort_in_vietnamese_order_in_the_database(commune):
    # The same order from SQL on SQLite (a Python collation) and PostgreSQL (ICU).
    for number, name in enumerate(NAMES):
        MembershipFactory(
            user=UserFactory(username=f"thu{number}", full_name=name), commune=commune
        )
    ordered = User.objects.filter(username__startswith="thu").order_by(vi_order("full_name"))
    assert [u.full_name for u in ordered] == EXPECTED
    descending = User.objects.filter(username__startswith="thu").order_by(
        vi_order("full_name", descending=True)
    )
    assert [u.full_name for u in descending] == EXPECTED[::-1]
    assert [u.full_name for u in members_of(commune)] == EXPECTED


@pytest.mark.django_db
def test_a_stored_sort_key_gives_the_same_order_on_both_databases(province):
    # bulk_create fills the key too (load_units creates 3,321 communes that way).
    Commune.objects.bulk_create(
        [
            Commune(code=f"{80000 + n:05d}", name=name, kind="ward", province=province)
            for n, name in enumerate(NAMES)
        ]
    )
    one = Commune.objects.get(code="80000")
    one.name = "Ấp Bình Yên Mới"
    one.save()
    ordered = Commune.objects.filter(code__startswith="8").order_by("name_sort", "pk")
    expected = sorted([*(n for n in NAMES if n != "Khu vực 10"), "Ấp Bình Yên Mới"], key=sort_key)
    assert [c.name for c in ordered] == expected


def test_the_stored_key_sorts_as_the_python_key():
    samples = [*NAMES, "", " ", "a-b", "a b", "ab", "A", "a", "à", "Khu vực 02", "Khu 1a"]
    assert sorted(samples, key=sort_text) == sorted(samples, key=sort_key)
    assert set(sort_text("Đặng Văn 10, Bình")) <= set("0123456789abcdefghijklmnopqrstuvwxyz")


# --- the ward's contacts ----------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_commune_admin_edits_the_wards_contacts(commune, other_commune):
    assert_view_access(
        url=reverse("core:commune_settings"),
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN},
        scoped=False,
    )


@pytest.mark.django_db
def test_saving_the_contacts_is_audited_and_shown_on_every_public_page(commune, admin):
    client = client_in(admin, commune)
    response = client.post(
        reverse("core:commune_settings"),
        {
            "phone": "0292.3821.123",
            "address": "02 Hòa Bình, Ninh Kiều",
            "opening_hours": "Thứ Hai – Thứ Sáu: 7:30–11:30, 13:30–17:00\n\nSáng thứ Bảy",
        },
    )
    assert response.status_code == 302
    saved = CommuneSettings.objects.get(commune=commune)
    assert saved.phone == "02923821123"
    assert saved.opening_lines == ["Thứ Hai – Thứ Sáu: 7:30–11:30, 13:30–17:00", "Sáng thứ Bảy"]
    created = AuditEvent.objects.get(object_type="core.communesettings")
    assert created.action == AuditAction.CREATE and created.commune == commune

    # Saved again unchanged: no new row; a change: one row with the old and new value.
    client.post(
        reverse("core:commune_settings"),
        {
            "phone": "02923821123",
            "address": saved.address,
            "opening_hours": saved.opening_hours,
        },
    )
    assert AuditEvent.objects.filter(object_type="core.communesettings").count() == 1
    client.post(
        reverse("core:commune_settings"),
        {"phone": "0292 3821 999", "address": saved.address, "opening_hours": ""},
    )
    change = AuditEvent.objects.filter(
        object_type="core.communesettings", action=AuditAction.CHANGE
    ).get()
    assert change.changes["phone"] == ["02923821123", "02923821999"]

    from digiward.public.views import _public_commune

    _public_commune.cache_clear()
    page = Client().get(reverse("public:home")).content.decode()
    assert 'href="tel:02923821999"' in page
    assert "0292 3821 999" in page
    assert "02 Hòa Bình, Ninh Kiều" in page
    _public_commune.cache_clear()


@pytest.mark.django_db
def test_a_wrong_phone_is_refused_keeping_what_was_typed(commune, admin, vietnamese):
    response = client_in(admin, commune).post(
        reverse("core:commune_settings"),
        {"phone": "0292 12", "address": "Số 2 Hòa Bình", "opening_hours": ""},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Số điện thoại này thiếu chữ số." in body
    assert 'value="0292 12"' in body and 'value="Số 2 Hòa Bình"' in body
    assert not CommuneSettings.objects.exists()


@pytest.mark.django_db
def test_public_pages_without_contacts_show_no_empty_block(commune):
    page = Client().get(reverse("public:status")).content.decode()
    assert "tel:" not in page


# --- the citizens' 404 ------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_mistyped_public_address_gets_the_citizens_404_with_the_way_back(commune):
    CommuneSettings.objects.create(commune=commune, phone="02923821123")
    response = Client().get("/huong-dan/khai-sinh-nham/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'class="top"' in body  # the public layout
    assert reverse("public:search") in body and reverse("public:help_at_home") in body
    assert 'href="tel:02923821123"' in body
    assert reverse("login") in body  # the public footer, not the staff menu
    assert "site-header" not in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_mistyped_staff_address_gets_the_staff_404(commune, officer):
    response = client_in(officer, commune).get("/app/registry/khong-co/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'class="top"' not in body
    assert reverse("reports:home") in body


# --- dates and numbers ------------------------------------------------------------------


class _DayForm(forms.Form):
    day = forms.DateField(widget=DateInput())


@pytest.mark.parametrize(
    "typed", ["31/12/1950", "31.12.1950", "31-12-1950", "31 12 1950", "31121950", "1950-12-31"]
)
def test_a_date_is_accepted_as_people_type_it(typed):
    form = _DayForm({"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(1950, 12, 31)


def test_a_date_is_shown_as_dd_mm_yyyy_whatever_the_browser():
    html = str(_DayForm(initial={"day": date(2026, 1, 4)})["day"])
    assert 'type="text"' in html and 'value="04/01/2026"' in html
    assert 'inputmode="numeric"' in html


def test_a_wrong_date_keeps_what_was_typed():
    form = _DayForm({"day": "31/02/2026"})
    assert not form.is_valid()
    assert 'value="31/02/2026"' in str(form["day"])


def test_counts_have_the_thousands_dot():
    assert intcomma(4015) == "4.015"
    assert intcomma(1234567) == "1.234.567"


# --- the audit log in domain words -------------------------------------------------------


def _view(commune, officer, repr_, *, object_type="homecare.homesupportrequest"):
    return audit_record(
        action=AuditAction.VIEW,
        commune=commune,
        actor=officer,
        object_type=object_type,
        object_repr=repr_,
    )


@pytest.mark.django_db
def test_list_views_read_as_the_page_they_name(commune, officer, vietnamese):
    event = _view(commune, officer, "inbox page 1 status=new")
    described = describe(event)
    assert described.title == "Danh sách tiếp nhận"
    assert described.page == 1
    search = _view(commune, officer, "search “Lan” page 2", object_type="registry.resident")
    assert describe(search).title == "Tìm người dân"
    assert describe(search).detail == "“Lan”"


@pytest.mark.django_db
def test_a_record_reads_as_its_kind_and_number(commune, officer, vietnamese):
    event = audit_record(
        action=AuditAction.CHANGE,
        commune=commune,
        actor=officer,
        object_type="homecare.homesupportrequest",
        object_id=37,
        object_repr="Bà Nguyễn Thị Hoa",
    )
    described = describe(event)
    assert described.title == "Yêu cầu hỗ trợ tại nhà #37"
    assert described.detail == "Bà Nguyễn Thị Hoa"
    assert kind_label("no.such") == "no.such"  # an unknown kind is shown as stored


@pytest.mark.django_db
def test_the_type_filter_lists_domain_names_in_vietnamese_order(vietnamese):
    choices = kind_choices(["registry.resident", "homecare.homesupportrequest", "core.user"])
    assert choices == [
        ("registry.resident", "Người dân"),  # â before u
        ("core.user", "Người dùng"),
        ("homecare.homesupportrequest", "Yêu cầu hỗ trợ tại nhà"),
    ]


def _at(event: AuditEvent, when) -> AuditEvent:
    event.at = when  # in memory only: the stored rows stay as written
    return event


@pytest.mark.django_db
def test_repeated_views_of_one_page_fold_into_one_line(commune, officer, admin):
    now = timezone.now()
    rows = [
        _at(_view(commune, officer, "inbox page 2"), now),
        _at(_view(commune, admin, "inbox page 1"), now - timedelta(minutes=1)),
        _at(_view(commune, officer, "inbox page 1"), now - timedelta(minutes=2)),
        _at(_view(commune, officer, "inbox page 1"), now - timedelta(minutes=4)),
        # Twenty minutes earlier: another visit to the list, its own line.
        _at(_view(commune, officer, "inbox page 1"), now - timedelta(minutes=24)),
    ]
    change = audit_record(
        action=AuditAction.CHANGE, commune=commune, actor=officer, object_type="core.user"
    )
    lines = audit_lines([_at(change, now + timedelta(seconds=1)), *rows])
    assert [line.count for line in lines] == [1, 3, 1, 1]
    folded = lines[1]
    assert folded.event.actor == officer and folded.pages_text == "1, 2"
    assert folded.first_at == now - timedelta(minutes=4)
    assert AuditEvent.objects.count() == 6  # stored rows unchanged


@pytest.mark.django_db
def test_the_audit_page_shows_domain_words_and_counts(commune, admin, officer, vietnamese):
    for _ in range(3):
        _view(commune, officer, "inbox page 1")
    body = client_in(admin, commune).get(reverse("core:audit_log")).content.decode()
    assert "Danh sách tiếp nhận" in body
    assert "homecare.homesupportrequest" not in body.split('id="audit-results"')[1]
    assert "3 lần" in body
    # The count above the table is of stored rows: three views, one line.
    # (with the admin's own sign-in, which carries no commune)
    stored = commune_audit_events(commune).count()
    assert stored == 4 and f"{stored} dòng" in body
