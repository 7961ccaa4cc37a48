"""Permission names (an enum) and which role holds which.

Views and services ask for a `Perm`, never for a role: the table below is the one
place where the programme's policy is written down.
"""

from __future__ import annotations

from enum import StrEnum, nonmember

from digiward.core.models.accounts import Role


class Perm(StrEnum):
    do_not_call_in_templates = nonmember(True)

    # Core
    VIEW_HOME = "view_home"
    MANAGE_MEMBERS = "manage_members"
    # The ward's phone, address and opening hours shown on every public page
    MANAGE_COMMUNE_SETTINGS = "manage_commune_settings"
    VIEW_AUDIT_LOG = "view_audit_log"
    EXPORT_AUDIT_LOG = "export_audit_log"
    VIEW_JOBS = "view_jobs"
    # Registry and digital journey
    VIEW_REGISTRY = "view_registry"
    EDIT_REGISTRY = "edit_registry"
    IMPORT_REGISTRY = "import_registry"
    EXPORT_REGISTRY = "export_registry"
    VIEW_FULL_CITIZEN_ID = "view_full_citizen_id"
    # A person's request about their own data: export everything, anonymise (Decree 13)
    HANDLE_DATA_REQUESTS = "handle_data_requests"
    RECORD_MILESTONE = "record_milestone"
    # Procedure catalog and guides
    MANAGE_PROCEDURES = "manage_procedures"
    # Home support
    VIEW_HOME_SUPPORT = "view_home_support"
    MANAGE_HOME_SUPPORT = "manage_home_support"
    VISIT_HOMES = "visit_homes"
    # Digital guidance team
    VIEW_ROSTER = "view_roster"
    MANAGE_ROSTER = "manage_roster"
    LOG_HELP_SESSION = "log_help_session"
    RUN_DESK = "run_desk"
    # Device donations
    VIEW_CAMPAIGNS = "view_campaigns"
    MANAGE_CAMPAIGNS = "manage_campaigns"
    VIEW_SPONSOR_REPORT = "view_sponsor_report"
    # Aggregates only: counts and charts, no personal data
    VIEW_STATISTICS = "view_statistics"
    # Digital-skills learning: read the frameworks and certificates; edit the
    # commune's copy of a framework; confirm skills and issue or revoke certificates;
    # record a skill seen in practice (at the desk, at home). Taking lessons and quizzes,
    # also for a citizen at the desk, needs VIEW_LEARNING.
    VIEW_LEARNING = "view_learning"
    RECORD_SKILLS = "record_skills"
    # Schedule a class and name its trainer; ticking attendance is RECORD_SKILLS.
    MANAGE_CLASSES = "manage_classes"
    MANAGE_FRAMEWORKS = "manage_frameworks"
    ISSUE_CERTIFICATES = "issue_certificates"


_READ_REGISTRY = {Perm.VIEW_REGISTRY, Perm.RECORD_MILESTONE}
# What every member of the guidance team does at the desk.
_DESK = {Perm.VIEW_ROSTER, Perm.LOG_HELP_SESSION, Perm.RUN_DESK}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.COMMUNE_ADMIN: frozenset(Perm),
    Role.OFFICER: frozenset(
        {
            Perm.VIEW_HOME,
            Perm.VIEW_JOBS,
            Perm.EDIT_REGISTRY,
            Perm.IMPORT_REGISTRY,
            Perm.EXPORT_REGISTRY,
            Perm.VIEW_FULL_CITIZEN_ID,
            Perm.VIEW_STATISTICS,
            Perm.VIEW_HOME_SUPPORT,
            Perm.MANAGE_HOME_SUPPORT,
            Perm.VISIT_HOMES,
            Perm.MANAGE_ROSTER,
            Perm.VIEW_CAMPAIGNS,
            Perm.MANAGE_CAMPAIGNS,
            Perm.VIEW_SPONSOR_REPORT,
            Perm.VIEW_LEARNING,
            Perm.RECORD_SKILLS,
            Perm.MANAGE_CLASSES,
            Perm.ISSUE_CERTIFICATES,
            *_READ_REGISTRY,
            *_DESK,
        }
    ),
    # Volunteers help people at the desk: they find residents and record progress,
    # but see citizen IDs masked and cannot export or import lists.
    Role.VOLUNTEER: frozenset(
        {
            Perm.VIEW_HOME,
            Perm.VIEW_JOBS,
            Perm.VIEW_LEARNING,
            Perm.RECORD_SKILLS,
            *_READ_REGISTRY,
            *_DESK,
        }
    ),
    # A sponsor sees its own campaigns' aggregated report (the donations app checks which).
    Role.SPONSOR_VIEWER: frozenset({Perm.VIEW_HOME, Perm.VIEW_SPONSOR_REPORT}),
    # Province oversight compares communes by numbers; it needs no names (data minimisation).
    Role.PROVINCE_VIEWER: frozenset({Perm.VIEW_HOME, Perm.VIEW_STATISTICS}),
}


def permissions_for(roles: frozenset[Role]) -> frozenset[Perm]:
    granted: set[Perm] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)
