"""Admin helpers shared by the apps, and the API tokens' admin."""

from django.contrib import admin

from scorekeeper.models import ApiToken


class ReadOnlyAdmin(admin.ModelAdmin):
    """For append-only records (the match log, events): visible to staff, never edited here."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff see whose tokens exist and may revoke one (delete); a token's secret is never
    kept, so there is nothing else to see, and tokens are made by their owners."""

    list_display = ["name", "user", "prefix", "created_at"]
    search_fields = ["user__username", "name", "prefix"]
    fields = ["user", "name", "prefix", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
