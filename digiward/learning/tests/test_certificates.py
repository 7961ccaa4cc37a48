from __future__ import annotations

import json
from copy import deepcopy
from io import BytesIO, StringIO

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.core.management import call_command
from django.urls import reverse

from digiward.core.access import access_for
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, AuditEvent, Role
from digiward.core.testing import assert_view_access, client_in
from digiward.learning import signing
from digiward.learning.models import Certificate, Competence, Framework, SigningKey
from digiward.learning.services import Holder, certificate_issue, certificate_revoke, code_normalise
from digiward.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

BASE = "https://digiward.example.vn"


@pytest.fixture
def essentials(frameworks) -> Framework:
    return Framework.objects.get(code="DW-ESSENTIALS", commune=None)


def issue(admin, commune, framework, resident=None, **extra) -> Certificate:
    resident = resident or ResidentFactory(commune=commune, full_name="Nguyễn Thị Bảy")
    return certificate_issue(
        access=access_for(admin, commune),
        holder=Holder(name=resident.full_name, resident=resident),
        framework=framework,
        competences=list(framework.competences.filter(code__in=["ID.1", "DV.1"])),
        track="citizen",
        basis="Tự làm được tại quầy ngày 02/12 (quan sát).",
        base_url=BASE,
        **extra,
    )


def test_an_issued_credential_is_open_badges_3_and_verifies_with_the_published_key(
    essentials, commune, admin
):
    certificate = issue(admin, commune, essentials)
    credential = certificate.credential
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" in credential["@context"]
    subject = credential["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "Nguyễn Thị Bảy"
    assert [a["targetCode"] for a in subject["achievement"]["alignment"]] == ["ID.1", "DV.1"]
    assert credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert signing.verify(credential)
    key = SigningKey.objects.get(commune=commune)
    assert credential["issuer"]["id"] == f"did:key:{key.public_key_multibase}"
    published = json.loads(client_in(admin, commune).get(reverse("learning:public_keys")).content)
    assert key.public_key_multibase in [k["publicKeyMultibase"] for k in published["keys"]]
    # nothing about the person beyond the name: no citizen ID, no birth year
    text = json.dumps(credential, ensure_ascii=False)
    assert "1960" not in text and "citizen_id" not in text


def test_a_changed_credential_no_longer_verifies(essentials, commune, admin):
    credential = issue(admin, commune, essentials).credential
    for change in (
        lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Người Khác"),
        lambda c: c["credentialSubject"]["achievement"]["alignment"].pop(),
        lambda c: c.update(validFrom="2020-01-01T00:00:00Z"),
        lambda c: c["proof"].update(created="2020-01-01T00:00:00Z"),
    ):
        tampered = deepcopy(credential)
        change(tampered)
        assert not signing.verify(tampered)
    # signed by someone else's key, naming ours: refused
    other = signing.private_from_text(signing.private_to_text(signing.new_private_key()))
    forged = signing.sign(
        {k: v for k, v in credential.items() if k != "proof"}, other, created="2026-01-01T00:00:00Z"
    )
    forged["proof"]["verificationMethod"] = credential["proof"]["verificationMethod"]
    assert not signing.verify(forged)
    assert signing.verify(credential)


def test_the_verification_page_is_public_and_says_valid_then_revoked(
    essentials, commune, admin, client
):
    certificate = issue(admin, commune, essentials)
    url = reverse("learning:verify", args=[certificate.code])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nguyễn Thị Bảy" in text and "Giấy chứng nhận còn hiệu lực" in text and "ID.1" in text
    assert "quan sát" not in text  # the basis stays inside the commune
    certificate_revoke(
        access=access_for(admin, commune), certificate=certificate, reason="Cấp nhầm người"
    )
    text = client.get(url).content.decode()
    assert "đã bị thu hồi" in text and "Cấp nhầm người" not in text
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_type="learning.certificate")
    assert event.note == "Cấp nhầm người" and event.actor == admin
    with pytest.raises(DomainError, match="đã bị thu hồi trước đó"):
        certificate_revoke(
            access=access_for(admin, commune), certificate=certificate, reason="lần nữa"
        )
    credential = client.get(reverse("learning:credential", args=[certificate.code]))
    assert credential.status_code == 200 and credential["X-Certificate-Status"] == "revoked"
    assert signing.verify(json.loads(credential.content))


def test_an_unknown_code_is_404_and_codes_cannot_be_walked(essentials, commune, admin, client):
    assert client.get(reverse("learning:verify", args=["ZZZZZZZZZZZZ"])).status_code == 404
    assert client.get(reverse("learning:credential", args=["ZZZZZZZZZZZZ"])).status_code == 404
    statuses = [
        client.get(reverse("learning:verify", args=[f"A{n:011d}"])).status_code for n in range(40)
    ]
    assert statuses.count(429) >= 9 and set(statuses) == {404, 429}
    assert client.get(reverse("learning:verify", args=["B00000000000"]))["Retry-After"] == "60"


def test_a_code_typed_from_paper_finds_the_certificate(essentials, commune, admin, client):
    certificate = issue(admin, commune, essentials)
    typed = certificate.display_code.lower()
    response = client.get(reverse("learning:verify_start"), {"code": f" {typed} "})
    assert response.status_code == 302 and response["Location"] == reverse(
        "learning:verify", args=[certificate.code]
    )
    assert code_normalise("abcd-ef0O-1lI2") == "ABCDEF001112"


def test_the_printed_certificate_has_the_holder_and_a_qr_that_opens_the_page(
    essentials, commune, admin
):
    certificate = issue(admin, commune, essentials)
    response = client_in(admin, commune).get(
        reverse("learning:certificate_pdf", args=[certificate.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    pdf = pdfium.PdfDocument(BytesIO(response.content))
    assert len(pdf) == 1
    text = pdf[0].get_textpage().get_text_range()
    assert (
        "GIẤY CHỨNG NHẬN" in text and "Nguyễn Thị Bảy" in text and certificate.display_code in text
    )
    codes = [code.text for code in zxingcpp.read_barcodes(pdf[0].render(scale=2).to_pil())]
    assert codes == [f"{BASE}/chung-nhan/{certificate.code}/"]
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_id=str(certificate.pk)
    ).exists()


def test_issuing_refuses_a_resident_of_another_commune_and_an_empty_basis(
    essentials, commune, other_commune, admin
):
    stranger = ResidentFactory(commune=other_commune)
    with pytest.raises(DomainError, match="không có trong sổ dân cư"):
        issue(admin, commune, essentials, resident=stranger)
    access = access_for(admin, commune)
    resident = ResidentFactory(commune=commune)
    with pytest.raises(DomainError) as caught:
        certificate_issue(
            access=access,
            holder=Holder(name=resident.full_name, resident=resident),
            framework=essentials,
            competences=list(essentials.competences.all()[:1]),
            track="citizen",
            basis="ok",
            base_url=BASE,
        )
    assert caught.value.field == "basis"
    tt02 = Competence.objects.filter(framework__code="TT02-2025")[:1]
    with pytest.raises(DomainError, match="khung năng lực đã chọn"):
        certificate_issue(
            access=access,
            holder=Holder(name=resident.full_name, resident=resident),
            framework=essentials,
            competences=list(tt02),
            track="citizen",
            basis="Qua bài kiểm tra",
            base_url=BASE,
        )
    assert not Certificate.objects.exists()


def test_the_issue_form_finds_a_resident_and_keeps_what_was_typed(essentials, commune, admin):
    resident = ResidentFactory(commune=commune, full_name="Trần Văn Tám")
    client = client_in(admin, commune)
    url = reverse("learning:certificate_issue")
    assert "Trần Văn Tám" in client.get(url, {"q": "tran van tam"}).content.decode()
    competence = essentials.competences.get(code="ID.1")
    bad = client.post(
        url,
        {
            "resident": resident.pk,
            "framework": essentials.pk,
            "competences": [competence.pk],
            "track": "citizen",
            "basis": "ngắn",
        },
    )
    assert bad.status_code == 422 and "ngắn" in bad.content.decode()
    ok = client.post(
        url,
        {
            "resident": resident.pk,
            "framework": essentials.pk,
            "competences": [competence.pk],
            "track": "citizen",
            "basis": "Qua bài kiểm tra VNeID ngày 03/12",
        },
    )
    certificate = Certificate.objects.get()
    assert (
        ok.status_code == 302
        and certificate.resident == resident
        and certificate.holder_name == "Trần Văn Tám"
    )


def test_an_official_receives_a_certificate(essentials, commune, admin, officer):
    client = client_in(admin, commune)
    competence = essentials.competences.get(code="DV.1")
    client.post(
        reverse("learning:certificate_issue"),
        {
            "member": officer.pk,
            "framework": essentials.pk,
            "competences": [competence.pk],
            "track": "official",
            "basis": "Hoàn thành lớp ngày 01/12",
        },
    )
    certificate = Certificate.objects.get()
    assert certificate.user == officer and certificate.resident is None


def test_the_certificates_command_lists_codes_names_and_statuses(essentials, commune, admin):
    first = issue(admin, commune, essentials)
    second = issue(
        admin,
        commune,
        essentials,
        resident=ResidentFactory(commune=commune, full_name="Lê Văn Chín"),
    )
    certificate_revoke(access=access_for(admin, commune), certificate=second, reason="Cấp nhầm")
    out = StringIO()
    call_command("certificates", "--commune", commune.code, stdout=out)
    lines = sorted(out.getvalue().splitlines())
    assert lines == sorted(
        [f"{first.code}\tNguyễn Thị Bảy\tvalid", f"{second.code}\tLê Văn Chín\trevoked"]
    )
    out = StringIO()
    call_command("certificates", "--commune", commune.code, "--json", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {(r["code"], r["status"]) for r in rows} == {
        (first.code, "valid"),
        (second.code, "revoked"),
    }


def test_certificate_pages_access(essentials, commune, other_commune, admin):
    certificate = issue(admin, commune, essentials)
    staff = [Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER]
    for name in ("learning:certificate", "learning:certificate_pdf"):
        assert_view_access(
            url=reverse(name, args=[certificate.pk]),
            commune=commune,
            other_commune=other_commune,
            allowed=staff,
        )
    assert_view_access(
        url=reverse("learning:certificates"),
        commune=commune,
        other_commune=other_commune,
        allowed=staff,
        scoped=False,
    )
    assert_view_access(
        url=reverse("learning:certificate_issue"),
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN, Role.OFFICER],
        scoped=False,
    )
    assert_view_access(
        url=reverse("learning:certificate_revoke", args=[certificate.pk]),
        method="post",
        data={"reason": "Kiểm tra quyền"},
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN, Role.OFFICER],
        ok_status=302,
    )
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
