"""Demo digital-skills data: the shipped frameworks, the ward's own copy of the citizen
essentials, and a few certificates (one revoked) so the verification page has something
to show. Runs after the registry and users seeders. Idempotent."""

from __future__ import annotations

from django.db import transaction

from digiward.core.access import access_for
from digiward.core.models import Commune, User
from digiward.learning.models import Certificate, Framework
from digiward.learning.seed import frameworks_load
from digiward.learning.selectors import public_base_url
from digiward.learning.services import Holder, certificate_issue, certificate_revoke, framework_copy
from digiward.registry.models import Resident

# (competence codes of DW-ESSENTIALS, basis)
CITIZEN_CERTIFICATES = [
    (
        ["DT.1", "ID.1", "ID.2"],
        "Tự kích hoạt VNeID mức 2 tại quầy hướng dẫn, có tình nguyện viên quan sát.",
    ),
    (
        ["ID.1", "DV.1", "TT.2"],
        "Đạt bài kiểm tra dịch vụ công trực tuyến; tự nộp hồ sơ và lệ phí tại quầy.",
    ),
    (["DT.1", "AT.1"], "Hoàn thành lớp Bình dân học vụ số tại nhà văn hóa khu vực 1."),
]


@transaction.atomic
def seed_learning(*, commune: Commune) -> str:
    frameworks_load()
    if Certificate.objects.filter(commune=commune).exists():
        return "Học kỹ năng số: đã có dữ liệu mẫu."
    admin = User.objects.get(username="quantri")
    access = access_for(admin, commune)
    assert access is not None
    shared = Framework.objects.get(code="DW-ESSENTIALS", commune=None)
    essentials = Framework.objects.filter(
        code="DW-ESSENTIALS", commune=commune
    ).first() or framework_copy(access=access, framework=shared)
    by_code = {c.code: c for c in essentials.competences.all()}
    residents = Resident.objects.filter(commune=commune, birth_year__lte=1975).order_by("pk")[:3]
    issued: list[Certificate] = []
    for resident, (codes, basis) in zip(residents, CITIZEN_CERTIFICATES, strict=False):
        issued.append(
            certificate_issue(
                access=access,
                holder=Holder(name=resident.full_name, resident=resident),
                framework=essentials,
                competences=[by_code[code] for code in codes if code in by_code],
                track="citizen",
                basis=basis,
                base_url=public_base_url(),
            )
        )
    official = User.objects.filter(username="canbo").first()
    if official is not None:
        issued.append(
            certificate_issue(
                access=access,
                holder=Holder(name=official.full_name or official.username, user=official),
                framework=essentials,
                competences=[by_code[c] for c in ("DV.1", "TT.2", "AT.1") if c in by_code],
                track="official",
                basis="Hoàn thành lớp bồi dưỡng kỹ năng số cho cán bộ ngày 28/11.",
                base_url=public_base_url(),
            )
        )
    if len(issued) > 2:
        certificate_revoke(
            access=access, certificate=issued[2], reason="Cấp nhầm người: trùng tên trong sổ."
        )
    return f"Học kỹ năng số: 4 khung năng lực, {len(issued)} giấy chứng nhận (1 đã thu hồi)."
