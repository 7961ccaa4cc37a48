"""factory_boy factories for the registry."""

from __future__ import annotations

import factory

from digiward.core.text import fold
from digiward.registry.identity import protect_citizen_id
from digiward.registry.models import Area, Household, PovertyStatus, Relation, Resident, Sex


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"Khu vực {n + 1}")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"HT{n:05d}")
    street = "Hai Bà Trưng"
    house_number = factory.Sequence(lambda n: str(n + 1))
    poverty_status = PovertyStatus.NOT_POOR


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory, commune=factory.SelfAttribute("..commune"))
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    birth_year = 1960
    sex = Sex.MALE
    relation_to_head = Relation.OTHER

    @classmethod
    def _create(cls, model_class, *args, citizen_id: str = "", **kwargs):
        resident = model_class(*args, **kwargs)
        resident.name_folded = fold(resident.full_name)
        if citizen_id:
            stored = protect_citizen_id(citizen_id)
            resident.citizen_id_encrypted, resident.citizen_id_hash, resident.citizen_id_masked = (
                stored.encrypted,
                stored.hash,
                stored.masked,
            )
        resident.save()
        return resident
