"""Writes for agencies, memberships and signing delegations."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import Group
from django.db import transaction

from agencies.models import Agency, Membership, Service, SigningDelegation, User
from agencies.selectors import clear_user_context
from common.audit import save_with_history
from common.errors import ApplicationError

DELEGATION_PERIOD_INVALID = "Periode penunjukan tidak valid: tanggal akhir sebelum tanggal mulai."


@transaction.atomic
def agency_create(*, actor: User | None, code: str, name: str, kind: str, institution: str,
                  region: str, parent: Agency | None = None,
                  services: list[Service] | None = None) -> Agency:
    group, _ = Group.objects.get_or_create(name=f"agency:{code}")
    agency = Agency(code=code, name=name, kind=kind, institution=institution, region=region,
                    parent=parent, group=group)
    agency.full_clean()
    save_with_history(agency, actor=actor)
    if services:
        agency.services.set(services)
    return agency


@transaction.atomic
def membership_create(*, actor: User | None, user: User, agency: Agency, role: str,
                      valid_from: date | None = None, valid_until: date | None = None) -> Membership:
    m = Membership(user=user, agency=agency, role=role)
    if valid_from:
        m.valid_from = valid_from
    m.valid_until = valid_until
    m.full_clean()
    save_with_history(m, actor=actor)
    clear_user_context(user)
    return m


@transaction.atomic
def membership_end(*, actor: User | None, membership: Membership, on: date) -> Membership:
    membership.valid_until = on
    membership.full_clean()
    save_with_history(membership, actor=actor, update_fields=["valid_until"])
    clear_user_context(membership.user)
    return membership


@transaction.atomic
def delegation_grant(*, actor: User, official: User, valid_from: date, valid_until: date,
                     reason: str) -> SigningDelegation:
    if valid_until < valid_from:
        raise ApplicationError(DELEGATION_PERIOD_INVALID)
    d = SigningDelegation(official=official, granted_by=actor, valid_from=valid_from,
                          valid_until=valid_until, reason=reason)
    d.full_clean()
    save_with_history(d, actor=actor)
    return d
