from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from agencies.models import ActingHead, Agency, Membership, Service, SigningDelegation, User
from agencies.services import (
    acting_head_appoint,
    acting_head_end,
    agency_create,
    delegation_revoke,
    membership_create,
    membership_update,
)
from common.errors import ApplicationError, error_to_form


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["agency"]


def membership_save(*, actor, membership: Membership) -> Membership:
    """Save a membership edited in the admin (its own page or the user's inline) through the
    services: a new one with ``membership_create``, a changed one with ``membership_update``."""
    if membership.pk is None:
        return membership_create(actor=actor, user=membership.user, agency=membership.agency,
                                 role=membership.role, valid_from=membership.valid_from,
                                 valid_until=membership.valid_until)
    return membership_update(actor=actor, membership=membership, agency=membership.agency,
                             role=membership.role, valid_from=membership.valid_from,
                             valid_until=membership.valid_until)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "email", "is_active", "last_login")
    search_fields = ("username", "full_name", "email")
    fieldsets = DjangoUserAdmin.fieldsets + (
        ("Terpadu", {"fields": ("full_name", "position_title", "phone")}),
    )
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for membership in formset.deleted_objects:
            membership._history_user = request.user
            membership.delete()
        for membership in formset.new_objects + [m for m, _fields in formset.changed_objects]:
            saved = membership_save(actor=request.user, membership=membership)
            membership.pk = saved.pk
        return None


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "category", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("name", "code")


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "institution", "region", "receives_complaints", "is_active")
    list_filter = ("kind", "institution", "region", "receives_complaints", "is_active")
    search_fields = ("name", "code")
    filter_horizontal = ("services",)
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        if change:
            obj._history_user = request.user
            obj.save()
            return
        # New agencies go through the service so that their permission group exists.
        created = agency_create(actor=request.user, code=obj.code, name=obj.name, kind=obj.kind,
                                institution=obj.institution, region=obj.region, parent=obj.parent,
                                receives_complaints=obj.receives_complaints)
        obj.pk = created.pk
        obj.group = created.group


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    """Memberships are written by ``membership_create``/``membership_update`` (history names the
    action); the person of a membership does not change — another person is another membership."""

    list_display = ("user", "agency", "role", "valid_from", "valid_until")
    list_filter = ("role", "agency")
    search_fields = ("user__username", "user__full_name", "agency__name")
    autocomplete_fields = ["user", "agency"]

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        obj.pk = membership_save(actor=request.user, membership=obj).pk


@admin.register(SigningDelegation)
class SigningDelegationAdmin(SimpleHistoryAdmin):
    """Delegations are granted by the Ketua on her page (``meetings:delegations``, through
    ``delegation_grant``) — never typed here — and never edited afterwards (signatures rest on
    them). Here they are read, and revoked by the action, through ``delegation_revoke``."""

    list_display = ("official", "decree_number", "valid_from", "valid_until", "granted_by", "revoked_at")
    fields = ("official", "granted_by", "decree_number", "valid_from", "valid_until", "reason", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        return  # every field is read-only

    @admin.action(description=_("Cabut penunjukan mulai sekarang"))
    def revoke(self, request, queryset):
        for row in queryset:
            try:
                delegation_revoke(actor=request.user, delegation=row)
            except ApplicationError as exc:
                self.message_user(request, f"{row}: {exc.message}", level=messages.ERROR)


class ActingHeadAdminForm(forms.ModelForm):
    """Appointing in the admin goes through ``acting_head_appoint``: the service checks and
    writes (inside the admin's transaction); its refusals come back as the form's errors."""

    class Meta:
        model = ActingHead
        fields = ["agency", "user", "start", "end", "reference"]

    actor: User | None = None

    def clean(self):
        data = super().clean()
        if self.instance.pk is not None or self.errors:
            return data
        try:
            self.instance = acting_head_appoint(
                actor=self.actor, agency=data["agency"], user=data["user"], start=data["start"],
                end=data["end"], reference=data["reference"])
        except (ValidationError, ApplicationError) as exc:
            error_to_form(self, exc)
        return data


@admin.register(ActingHead)
class ActingHeadAdmin(SimpleHistoryAdmin):
    """Acting heads (Plt.): added through the service, never edited; ended by the action."""

    form = ActingHeadAdminForm
    list_display = ("agency", "user", "start", "end", "ended_on", "reference", "granted_by")
    list_filter = ("agency",)
    search_fields = ("user__username", "user__full_name", "agency__name", "reference")
    autocomplete_fields = ["agency", "user"]
    actions = ["end_today"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("agency", "user", "start", "end", "reference", "granted_by", "ended_on", "ended_by")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Written by acting_head_appoint in the form's clean(); an existing row is never edited.
        return None

    @admin.action(description=_("Akhiri penunjukan Plt. mulai hari ini"))
    def end_today(self, request, queryset):
        for row in queryset:
            try:
                acting_head_end(actor=request.user, acting_head=row)
            except ApplicationError as exc:
                self.message_user(request, f"{row}: {exc.message}", level=messages.ERROR)
