from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from districts.models import (
    AuditEvent,
    District,
    LearningOffer,
    LoginFailure,
    Membership,
    MembershipInvitation,
    Milestone,
    School,
    time_zone_for_state,
)


class SchoolInline(admin.TabularInline[School, District]):
    model = School
    extra = 0


class MembershipInline(admin.TabularInline[Membership, District]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin[District]):
    list_display = ["name", "slug", "state", "launch_date", "path_place"]
    list_filter = ["state", "path_place"]
    search_fields = ["name", "slug", "nces_id"]
    inlines = [SchoolInline, MembershipInline]

    def save_model(self, request: HttpRequest, obj: District, form: Any, change: bool) -> None:
        # A time zone left empty is the state's, stored (as district_create does).
        if not obj.time_zone:
            obj.time_zone = time_zone_for_state(obj.state)
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "district", "kind", "school", "created_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "district__name"]
    autocomplete_fields = ["user", "district"]


@admin.register(MembershipInvitation)
class MembershipInvitationAdmin(admin.ModelAdmin[MembershipInvitation]):
    """Read and cancel; the link's nonce and digest are never shown."""

    list_display = ["email", "district", "kind", "school", "expires_at", "accepted_at"]
    list_filter = ["kind"]
    search_fields = ["email", "district__name"]
    fields = ("email", "district", "kind", "school", "invited_by", "expires_at", "accepted_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin[Milestone]):
    list_display = ["district", "happened_on", "text"]
    search_fields = ["district__name", "text"]


@admin.register(LearningOffer)
class LearningOfferAdmin(admin.ModelAdmin[LearningOffer]):
    list_display = ["district", "name", "landmark", "earned_count"]
    list_filter = ["landmark"]
    search_fields = ["district__name", "name"]


class ReadOnlyAdmin[M: AuditEvent | LoginFailure](admin.ModelAdmin[M]):
    """A log: staff read it; nobody edits or deletes it through the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin[AuditEvent]):
    list_display = ["at", "username", "action", "district_slug", "path", "detail"]
    list_filter = ["action", "district_slug"]
    search_fields = ["username", "district_slug", "path", "detail"]
    date_hierarchy = "at"


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin[LoginFailure]):
    list_display = ["at", "username"]
    search_fields = ["username"]
