"""factory-boy factories shared by every test package."""

from __future__ import annotations

from datetime import date

import factory
from django.contrib.auth.models import Group

from agencies.models import Agency, AgencyKind, Institution, Membership, Region, Role, Service, User
from cases.models import Victim


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"layanan-{n}")
    name = factory.Sequence(lambda n: f"Layanan {n}")
    category = "health"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"lembaga-{n}")
    name = factory.Sequence(lambda n: f"Lembaga Uji {n}")
    kind = AgencyKind.UPTD_PPA
    institution = Institution.PEMPROV_DKI
    region = Region.JAKARTA_SELATAN
    group = factory.LazyAttribute(lambda o: Group.objects.create(name=f"agency:{o.code}"))
    receives_complaints = factory.LazyAttribute(lambda o: o.kind in AgencyKind.receiving_by_default())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"petugas{n}")
    full_name = factory.Sequence(lambda n: f"Petugas Uji {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@uji.local")
    password = factory.PostGenerationMethodCall("set_password", "sandi-uji-12345")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.PENDAMPING
    valid_from = date(2026, 1, 1)


def member(agency: Agency, role: str = Role.PENDAMPING, **kwargs) -> User:
    """A user holding ``role`` in ``agency`` from 1 Jan 2026, open-ended."""
    return MembershipFactory(agency=agency, role=role, **kwargs).user


class VictimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Victim

    category = "adult_woman"
    initials = "XY"
    full_name = factory.Sequence(lambda n: f"Korban Rahasia {n}")
    nik = factory.Sequence(lambda n: f"3174{n:012d}")
    phone = "081299990000"
    address = "Jl. Uji No. 1"
