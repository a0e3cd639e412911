"""Admin: the engine's stored results, read-only (they are recomputed, never edited by hand)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from onpoint.models import Benchmark, BenchmarkVersion, CampaignResult, GroupScore


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BenchmarkVersion)
class BenchmarkVersionAdmin(ReadOnlyAdmin):
    list_display = ["id", "computed_at", "n_campaigns"]


@admin.register(Benchmark)
class BenchmarkAdmin(ReadOnlyAdmin):
    list_display = ["version", "stage", "key", "n_districts", "published", "p50"]
    list_filter = ["stage", "published"]
    exclude = ["cohort"]  # each district's value, one by one: not for display


@admin.register(CampaignResult)
class CampaignResultAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "stage", "n_responses", "computed_at", "benchmark_version"]
    list_select_related = ["campaign", "benchmark_version"]


@admin.register(GroupScore)
class GroupScoreAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "breakdown", "group", "onpoint", "onpoint_n", "onpoint_reason"]
    list_filter = ["breakdown"]
    list_select_related = ["campaign"]
