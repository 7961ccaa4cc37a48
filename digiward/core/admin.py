"""Django admin: for superusers only (the operators of the installation)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from digiward.core.models import (
    AuditEvent,
    CalendarOverride,
    Commune,
    Job,
    Membership,
    OutboxMessage,
    Province,
    User,
)


class SuperuserOnlyAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


admin.site.__class__ = SuperuserOnlyAdminSite


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["commune", "province"]
    readonly_fields = ["granted_by", "granted_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "full_name", "email", "is_active", "is_superuser", "last_login"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal", {"fields": ("full_name", "email", "phone")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")},
        ),
    )


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "kind"]
    search_fields = ["name", "code"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "code", "name_folded"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "at",
        "actor_label",
        "action",
        "object_type",
        "object_repr",
        "commune",
        "ip_address",
    ]
    list_filter = ["action", "source"]
    search_fields = ["actor_label", "object_repr", "object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "kind", "commune", "status", "created_at", "finished_at"]
    list_filter = ["status", "kind"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "channel", "recipient", "subject", "status", "attempts"]
    list_filter = ["status", "channel"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["date", "commune", "is_working_day", "reason"]
