"""Staff pages under /app/messages/; the gateways' webhooks under /hooks/ (no session,
no CSRF token: a Zalo event is checked by its signature, an SMS callback by the secret
token in its URL). They are not staff pages: tests/test_url_coverage.py allow-lists them
and checks that an unsigned call is refused."""

from django.urls import path

from digiward.messaging import views

app_name = "messaging"

urlpatterns = [
    path("app/messages/", views.outbox_list, name="outbox"),
    path("app/messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("app/messages/settings/", views.messaging_settings, name="settings"),
    path("app/messages/opt-out/", views.opt_out, name="opt_out"),
    path("hooks/zalo/", views.zalo_webhook, name="zalo_webhook"),
    path("hooks/sms/<str:token>/", views.sms_callback, name="sms_callback"),
]
