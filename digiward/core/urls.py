from django.urls import path

from digiward.core.views import (
    audit,
    commune_settings,
    communes,
    invitations,
    jobs,
    members,
    pages,
)

app_name = "core"

urlpatterns = [
    path("communes/", communes.choose_commune, name="choose_commune"),
    path("members/", members.member_list, name="member_list"),
    path("members/add/", members.member_add, name="member_add"),
    path("members/<int:user_id>/", members.member_detail, name="member_detail"),
    path("roles/<int:membership_id>/revoke/", members.membership_revoke, name="membership_revoke"),
    path(
        "members/invitations/<int:invitation_id>/withdraw/",
        members.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitations/", invitations.my_invitations, name="invitations"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/export/", audit.audit_export, name="audit_export"),
    path("jobs/", jobs.job_list, name="job_list"),
    path("jobs/<uuid:job_id>/", jobs.job_detail, name="job_detail"),
    path("jobs/<uuid:job_id>/download/", jobs.job_download, name="job_download"),
    path("jobs/<uuid:job_id>/run-again/", jobs.job_rerun, name="job_rerun"),
    path("about/", pages.about, name="about"),
    path("settings/contacts/", commune_settings.commune_settings, name="commune_settings"),
]
