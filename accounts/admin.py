"""The API tokens' admin."""

from django.contrib import admin

from accounts.models import ApiToken


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
