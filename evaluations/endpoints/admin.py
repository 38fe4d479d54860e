"""The admin's view of endpoints: limits, generation settings and prices; never the API key.

Endpoints are added through ``add_endpoint`` or the pages (which check the address and encrypt
the key), so the admin cannot add one and shows the address read-only.
"""

from django.contrib import admin

from .models import Endpoint


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = (
        "model",
        "served_model",
        "state",
        "max_in_flight",
        "requests_per_minute",
        "price_in_per_million",
        "price_out_per_million",
        "price_currency",
    )
    list_filter = ("state",)
    search_fields = ("model__slug", "served_model")
    # The key is not a form field (editable=False); the address was checked when it was added.
    readonly_fields = ("model", "base_url", "served_model", "proposed_by", "approved_by")
    exclude = ("approved_at",)

    def has_add_permission(self, request):
        return False
