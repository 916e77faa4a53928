"""Events are read-only in admin; partitions are listed with their bounds and row counts."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path

from core.admin import ReadOnlyAdmin
from events.models import EventRecord
from events.partitions import list_partitions


@admin.register(EventRecord)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["id", "event_type", "source", "actor", "match_id", "occurred_at",
                    "received_at", "processed_at"]
    list_filter = ["source", "event_type", "received_at", "processed_at"]
    search_fields = ["event_type", "actor", "match__id"]
    date_hierarchy = "received_at"
    show_full_result_count = False  # counting a huge partitioned table on every page is slow

    def get_urls(self):
        partitions = path("partitions/", self.admin_site.admin_view(self.partitions_view),
                          name="events_event_partitions")
        return [partitions, *super().get_urls()]

    def partitions_view(self, request):
        context = {**self.admin_site.each_context(request), "title": "Event partitions",
                   "partitions": list_partitions(), "opts": self.model._meta}
        return TemplateResponse(request, "admin/events/partitions.html", context)
