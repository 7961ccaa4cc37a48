"""Demo sign-ins, one or more for every role."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from digiward.core.models import Commune, Membership, Role, User

DEMO_PASSWORD = "digiward-demo"  # noqa: S105 (demo only; printed by `make demo`)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: Role
    province_level: bool = False


DEMO_LOGINS = [
    DemoLogin("quantri", "Trần Thị Mai", Role.COMMUNE_ADMIN),
    DemoLogin("canbo", "Nguyễn Văn Hùng", Role.OFFICER),
    DemoLogin("tinhnguyen", "Lê Minh Thư", Role.VOLUNTEER),
    DemoLogin("nhataitro", "Phạm Quốc Bảo", Role.SPONSOR_VIEWER),
    DemoLogin("tinh", "Võ Thanh Tâm", Role.PROVINCE_VIEWER, province_level=True),
]
# The rest of the ten-member guidance team (Youth Union members).
VOLUNTEER_TEAM = [
    ("tnv.khang", "Huỳnh Gia Khang"),
    ("tnv.ngan", "Đặng Thị Kim Ngân"),
    ("tnv.phuc", "Trương Hoàng Phúc"),
    ("tnv.yen", "Lâm Ngọc Yến"),
    ("tnv.duy", "Phan Quốc Duy"),
    ("tnv.trinh", "Võ Thị Tuyết Trinh"),
    ("tnv.bao", "Nguyễn Thái Bảo"),
    ("tnv.nhi", "Lê Thị Yến Nhi"),
    ("tnv.tai", "Châu Minh Tài"),
]


@transaction.atomic
def seed_users(commune: Commune) -> list[DemoLogin]:
    """Create the demo sign-ins (password set only when a user is first created)."""
    logins = list(DEMO_LOGINS) + [DemoLogin(u, n, Role.VOLUNTEER) for u, n in VOLUNTEER_TEAM]
    for login in logins:
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={"full_name": login.full_name, "email": f"{login.username}@demo.digiward.vn"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if login.province_level:
            Membership.objects.get_or_create(user=user, role=login.role, province=commune.province)
        else:
            Membership.objects.get_or_create(user=user, role=login.role, commune=commune)
    return list(DEMO_LOGINS)


# Every demo account that needs two-step sign-in shares this published key: add it once
# to any authenticator app, or print the current code with `digiward demo_code`. Never
# on a real server: seed_demo refuses to run with DIGIWARD_ENV=production.
DEMO_TOTP_KEY = "DIGIWARDDEMOKEYSDIGIWARDDEMOKEYS"


def demo_totp_hex() -> str:
    return base64.b32decode(DEMO_TOTP_KEY).hex()


@transaction.atomic
def seed_two_step(commune: Commune) -> int:
    """Enrol every demo account whose role needs two-step sign-in, with the demo key."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from digiward.core.mfa import TOTP_NAME, mfa_required

    users = User.objects.filter(
        Q(memberships__commune=commune) | Q(memberships__province=commune.province)
    ).distinct()
    enrolled = 0
    for user in users:
        if not mfa_required(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            continue
        TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=demo_totp_hex(), confirmed=True)
        enrolled += 1
    return enrolled
