from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from agencies.models import Agency, Membership, Service, SigningDelegation, User
from agencies.services import agency_create


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "email", "is_active", "last_login")
    search_fields = ("username", "full_name", "email")
    fieldsets = DjangoUserAdmin.fieldsets + (
        ("Terpadu", {"fields": ("full_name", "position_title", "phone")}),
    )
    inlines = [MembershipInline]


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "category", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("name", "code")


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "institution", "region", "is_active")
    list_filter = ("kind", "institution", "region", "is_active")
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
                                institution=obj.institution, region=obj.region, parent=obj.parent)
        obj.pk = created.pk
        obj.group = created.group


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "agency", "role", "valid_from", "valid_until")
    list_filter = ("role", "agency")
    search_fields = ("user__username", "user__full_name", "agency__name")
    autocomplete_fields = ["user", "agency"]


@admin.register(SigningDelegation)
class SigningDelegationAdmin(SimpleHistoryAdmin):
    list_display = ("official", "valid_from", "valid_until", "granted_by", "revoked_at")
    autocomplete_fields = ["official", "granted_by"]
