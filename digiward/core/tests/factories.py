"""factory_boy factories for core models."""

from __future__ import annotations

import factory

from digiward.core.models import Commune, CommuneKind, Membership, Province, Role, User


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = "92"
    name = "Thành phố Cần Thơ"
    kind = "city"
    codename = "can_tho"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90000 + n:05d}")
    name = factory.Sequence(lambda n: f"Phường Thử Nghiệm {n}")
    kind = CommuneKind.WARD
    province = factory.SubFactory(ProvinceFactory)
    codename = factory.Sequence(lambda n: f"phuong_thu_nghiem_{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.OFFICER
    commune = factory.SubFactory(CommuneFactory)
