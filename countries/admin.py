from django.contrib import admin, messages

from countries.models import Country, CountryMembership, RegionalGroup, ReportRegion
from countries.services import MembershipRefused, deactivate_membership, invite_focal_point


@admin.register(RegionalGroup)
class RegionalGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    ordering = ["order"]


@admin.register(ReportRegion)
class ReportRegionAdmin(admin.ModelAdmin):
    list_display = ["name", "heading", "code", "order"]
    ordering = ["order"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["un_name", "iso3", "iso2", "m49", "status", "regional_group", "report_region"]
    list_filter = ["status", "regional_group", "report_region"]
    search_fields = ["un_name", "name_in_sentence", "iso2", "iso3", "m49"]
    list_select_related = ["regional_group", "report_region"]
    readonly_fields = ["sort_key", "names", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("un_name", "name_in_sentence", "status")}),
        ("Codes", {"fields": ("iso2", "iso3", "m49")}),
        ("Groupings", {"fields": ("regional_group", "report_region")}),
        ("Names from CLDR", {"fields": ("names", "sort_key")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )


class CountryMembershipInline(admin.TabularInline):
    model = CountryMembership
    extra = 0
    autocomplete_fields = ["country"]
    fields = ["country", "role", "is_active"]


@admin.register(CountryMembership)
class CountryMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "country", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "country__report_region"]
    search_fields = ["user__email", "country__un_name"]
    autocomplete_fields = ["user", "country"]
    list_select_related = ["user", "country"]
    actions = ["send_invitation", "deactivate"]

    @admin.action(description="Send (again) the invitation e-mail", permissions=["change"])
    def send_invitation(self, request, queryset):
        sent = 0
        for membership in queryset.select_related("user", "country"):
            if not membership.is_active:
                self.message_user(
                    request,
                    f"{membership}: inactive; activate it first if the invitation is meant.",
                    messages.WARNING,
                )
                continue
            invite_focal_point(
                country=membership.country,
                email=membership.user.email,
                role=membership.role,
                invited_by=request.user,
                site_url=request.build_absolute_uri("/"),
            )
            sent += 1
        self.message_user(request, f"{sent} invitation(s) sent.", messages.SUCCESS)

    @admin.action(description="Deactivate the selected memberships", permissions=["change"])
    def deactivate(self, request, queryset):
        done = 0
        for membership in queryset.filter(is_active=True).select_related("user", "country"):
            try:
                deactivate_membership(membership=membership, acting_user=request.user)
                done += 1
            except MembershipRefused as refused:
                self.message_user(request, f"{membership}: {refused}", messages.ERROR)
        self.message_user(request, f"{done} membership(s) deactivated.", messages.SUCCESS)
