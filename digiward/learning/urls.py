from django.urls import path

from digiward.learning.views import (
    certificates,
    classes,
    frameworks,
    lessons,
    progress,
    quizzes,
    report,
    verify,
)

app_name = "learning"

urlpatterns = [
    path("app/learning/frameworks/", frameworks.framework_list, name="frameworks"),
    path("app/learning/frameworks/<int:pk>/", frameworks.framework_detail, name="framework"),
    path(
        "app/learning/frameworks/<int:pk>/copy/",
        frameworks.framework_copy_view,
        name="framework_copy",
    ),
    path(
        "app/learning/competences/<int:pk>/edit/",
        frameworks.competence_edit,
        name="competence_edit",
    ),
    path("app/learning/lessons/", lessons.lesson_list, name="lessons"),
    path("app/learning/lessons/<slug:slug>/", lessons.lesson_detail, name="lesson"),
    path("app/learning/sw.js", lessons.service_worker, name="service_worker"),
    path("app/learning/classes/", classes.class_list, name="classes"),
    path("app/learning/classes/new/", classes.class_create, name="class_create"),
    path("app/learning/classes/<int:pk>/", classes.class_detail, name="class"),
    path("app/learning/classes/<int:pk>/edit/", classes.class_edit, name="class_edit"),
    path(
        "app/learning/classes/<int:pk>/people/",
        classes.participant_add_view,
        name="participant_add",
    ),
    path(
        "app/learning/classes/<int:pk>/attendance/<int:participant_pk>/",
        classes.attendance_view,
        name="attendance",
    ),
    path("app/learning/report/", report.report_page, name="report"),
    path("app/learning/report.xlsx", report.report_xlsx, name="report_xlsx"),
    path("app/learning/quizzes/", quizzes.quiz_list, name="quizzes"),
    path("app/learning/quizzes/import/", quizzes.quiz_import, name="quiz_import"),
    path("app/learning/quizzes/<int:pk>/", quizzes.quiz_take, name="quiz"),
    path("app/learning/quizzes/<int:pk>/submit/", quizzes.quiz_submit, name="quiz_submit"),
    path("app/learning/attempts/", quizzes.attempt_list, name="attempts"),
    path("app/learning/attempts/<int:pk>/", quizzes.attempt_detail, name="attempt"),
    path("app/learning/progress/", progress.my_progress, name="my_progress"),
    path("app/learning/people/", progress.people, name="people"),
    path(
        "app/learning/people/resident/<int:pk>/",
        progress.person_progress,
        {"kind": "resident"},
        name="resident_progress",
    ),
    path(
        "app/learning/people/resident/<int:pk>/evidence/",
        progress.evidence_add,
        {"kind": "resident"},
        name="resident_evidence",
    ),
    path(
        "app/learning/people/member/<int:pk>/",
        progress.person_progress,
        {"kind": "member"},
        name="member_progress",
    ),
    path(
        "app/learning/people/member/<int:pk>/evidence/",
        progress.evidence_add,
        {"kind": "member"},
        name="member_evidence",
    ),
    path("app/learning/certificates/", certificates.certificate_list, name="certificates"),
    path(
        "app/learning/certificates/ready/",
        certificates.certificate_ready,
        name="certificate_ready",
    ),
    path(
        "app/learning/certificates/new/",
        certificates.certificate_issue_view,
        name="certificate_issue",
    ),
    path(
        "app/learning/certificates/<int:pk>/",
        certificates.certificate_detail,
        name="certificate",
    ),
    path(
        "app/learning/certificates/<int:pk>/pdf/",
        certificates.certificate_pdf_view,
        name="certificate_pdf",
    ),
    path(
        "app/learning/certificates/<int:pk>/revoke/",
        certificates.certificate_revoke_view,
        name="certificate_revoke",
    ),
    # Public, no sign-in (the QR on the paper opens the second one)
    path("chung-nhan/", verify.verify_start, name="verify_start"),
    path("chung-nhan/khoa-cong-khai.json", verify.public_keys, name="public_keys"),
    path("chung-nhan/<str:code>/", verify.verify, name="verify"),
    path("chung-nhan/<str:code>/credential.json", verify.credential_json, name="credential"),
]
