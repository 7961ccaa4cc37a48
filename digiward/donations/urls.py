from django.urls import path

from digiward.donations.views import campaigns, people, sponsors

app_name = "donations"

urlpatterns = [
    path("", campaigns.campaign_list, name="campaign_list"),
    path("new/", campaigns.campaign_edit, name="campaign_create"),
    path("<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("<int:pk>/status/", campaigns.campaign_status, name="campaign_status"),
    path("<int:pk>/pledges/", campaigns.pledge_add, name="pledge_add"),
    path("<int:pk>/rules/", campaigns.campaign_rules, name="campaign_rules"),
    path("<int:pk>/items/", campaigns.item_list, name="item_list"),
    path("<int:pk>/items/receive/", campaigns.item_receive, name="item_receive"),
    path("items/<int:item_pk>/return/", campaigns.item_return, name="item_return"),
    path("items/<int:item_pk>/repaired/", campaigns.item_repaired, name="item_repaired"),
    path("<int:pk>/rank/", campaigns.ranking_start, name="ranking_start"),
    path("<int:pk>/list/", campaigns.priority_list, name="list"),
    path("<int:pk>/list/export/", campaigns.list_export, name="list_export"),
    path("<int:pk>/list/change/", campaigns.list_change, name="list_change"),
    path(
        "<int:pk>/households/<int:household_pk>/",
        people.campaign_household,
        name="campaign_household",
    ),
    path(
        "<int:pk>/households/<int:household_pk>/handover/",
        people.handover_create,
        name="handover_create",
    ),
    path(
        "allocations/<int:allocation_pk>/cancel/",
        people.allocation_cancel,
        name="allocation_cancel",
    ),
    path("<int:pk>/handovers/", people.handover_list, name="handover_list"),
    path("<int:pk>/handovers/ceremony.pdf", people.ceremony_minutes, name="ceremony_minutes"),
    path("handovers/<int:handover_pk>/", people.handover_detail, name="handover_detail"),
    path(
        "handovers/<int:handover_pk>/minutes.pdf", people.handover_minutes, name="handover_minutes"
    ),
    path("follow-ups/", people.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:follow_up_pk>/", people.follow_up_record, name="follow_up_record"),
    path("sponsors/", sponsors.sponsor_list, name="sponsor_list"),
    path("sponsors/new/", sponsors.sponsor_edit, name="sponsor_create"),
    path("sponsors/<int:sponsor_pk>/", sponsors.sponsor_edit, name="sponsor_edit"),
    path(
        "sponsors/<int:sponsor_pk>/contacts/",
        sponsors.sponsor_contact_add,
        name="sponsor_contact_add",
    ),
    path(
        "contacts/<int:contact_pk>/remove/",
        sponsors.sponsor_contact_remove,
        name="sponsor_contact_remove",
    ),
    path("policy/", sponsors.policy_list, name="policy_list"),
    path("report/", sponsors.report_list, name="report_list"),
    path("report/<int:pk>/", sponsors.report_detail, name="report"),
    path("report/<int:pk>/report.pdf", sponsors.report_pdf, name="report_pdf"),
    path("report/<int:pk>/report.xlsx", sponsors.report_xlsx, name="report_xlsx"),
]
