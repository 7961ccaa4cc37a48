from django.urls import path

from digiward.learning.views import certificates, frameworks, verify

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
    path("app/learning/certificates/", certificates.certificate_list, name="certificates"),
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
