"""The commune admin's message page and settings; the gateways' webhooks."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.attempts import attempt
from digiward.core.audit import audit_record
from digiward.core.models import AuditAction, OutboxStatus
from digiward.core.permissions import Perm
from digiward.messaging import selectors, services
from digiward.messaging.forms import MessagingSettingsForm, OptOutForm
from digiward.messaging.models import ZnsTemplate
from digiward.messaging.templates import KINDS
from digiward.messaging.zns import quota_left, webhook_signature_ok


def _outbox_page(
    request: CommuneRequest, *, opt_out_form: OptOutForm | None = None, status: int = 200
) -> HttpResponse:
    access = request.access
    status_filter = request.GET.get("status", "")
    if status_filter not in OutboxStatus.values:
        status_filter = ""
    rows = selectors.outbox_rows(access, status=status_filter)
    audit_record(
        action=AuditAction.VIEW,
        commune=access.commune,
        object_type="messaging.outbox",
        note=f"outgoing messages ({status_filter or 'all'}, {len(rows)} rows)",
    )
    return render(
        request,
        "messaging/outbox.html",
        {
            "rows": rows,
            "status_filter": status_filter,
            "statuses": OutboxStatus.choices,
            "counts": selectors.status_counts(access),
            "quota_left": quota_left(),
            "costs": selectors.cost_by_month(access.commune),
            "phone_on": services.phone_channel_on(),
            "opt_outs": selectors.opt_outs(access),
            "opt_out_form": opt_out_form or OptOutForm(),
        },
        status=status,
    )


@commune_required(Perm.MANAGE_MEMBERS)
def outbox_list(request: CommuneRequest) -> HttpResponse:
    return _outbox_page(request)


@commune_required(Perm.MANAGE_MEMBERS)
def message_detail(request: CommuneRequest, pk: int) -> HttpResponse:
    row = selectors.outbox_message(request.access, pk)
    audit_record(action=AuditAction.VIEW, commune=request.access.commune, obj=row.message)
    return render(request, "messaging/message_detail.html", {"row": row})


@commune_required(Perm.MANAGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def messaging_settings(request: CommuneRequest) -> HttpResponseBase:
    commune = request.access.commune
    own = dict(ZnsTemplate.objects.filter(commune=commune).values_list("kind", "template_id"))
    shared = dict(
        ZnsTemplate.objects.filter(commune__isnull=True).values_list("kind", "template_id")
    )
    initial = {f"template_{kind}": own.get(kind, "") for kind in KINDS}
    form = MessagingSettingsForm(request.POST or None, initial=initial, shared=shared)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form, success=_("Message settings saved.")) as outcome:
            services.messaging_settings_save(
                access=request.access,
                template_ids={kind: form.cleaned_data[f"template_{kind}"] for kind in KINDS},
            )
        if outcome.ok:
            return redirect("messaging:settings")
    return render(
        request,
        "messaging/settings.html",
        {"form": form, "ward_phone": services.ward_phone(commune)},
    )


@commune_required(Perm.MANAGE_MEMBERS)
@require_POST
def opt_out(request: CommuneRequest) -> HttpResponseBase:
    form = OptOutForm(request.POST)
    if form.is_valid():
        success = _("No more Zalo or SMS messages will go to this number.")
        with attempt(request, form=form, success=success) as outcome:
            services.consent_opt_out(
                access=request.access,
                phone=form.cleaned_data["phone"],
                source=form.cleaned_data["source"],
            )
        if outcome.ok:
            return redirect("messaging:outbox")
    return _outbox_page(request, opt_out_form=form)


@csrf_exempt
@require_POST
def zalo_webhook(request: HttpRequest) -> HttpResponse:
    body = request.body.decode("utf-8", "replace")
    try:
        event = json.loads(body)
    except ValueError:
        return HttpResponse(status=400)
    if not isinstance(event, dict):
        return HttpResponse(status=400)
    ok = webhook_signature_ok(
        header=request.headers.get("X-ZEvent-Signature", ""),
        body=body,
        timestamp=str(event.get("timestamp", "")),
    )
    if not ok or str(event.get("app_id", settings.DIGIWARD_ZNS_APP_ID)) != (
        settings.DIGIWARD_ZNS_APP_ID
    ):
        return HttpResponse(status=403)
    if event.get("event_name") == "user_received_message":
        message = event.get("message") or {}
        services.receipt_zns(
            msg_id=str(message.get("msg_id", "")),
            tracking_id=str(message.get("tracking_id", "")),
        )
    return JsonResponse({"ok": True})


# eSMS SendStatus: 5 = delivered to the handset; 4/6/… = not delivered.
_SMS_DELIVERED = "5"


@csrf_exempt
@require_http_methods(["GET", "POST"])
def sms_callback(request: HttpRequest, token: str) -> HttpResponse:
    expected = settings.DIGIWARD_SMS_CALLBACK_TOKEN
    if not expected or not hmac.compare_digest(token, expected):
        return HttpResponse(status=403)
    data = request.POST if request.method == "POST" else request.GET
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return HttpResponse(status=400)
    sms_id = str(data.get("SMSID", ""))
    status = str(data.get("SendStatus", ""))
    if not sms_id:
        return HttpResponse(status=400)
    services.receipt_sms(
        provider_id=sms_id, delivered=status == _SMS_DELIVERED, reason=f"SMS status {status}"
    )
    return JsonResponse({"ok": True})
