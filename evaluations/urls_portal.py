"""Team portal (/team/): dashboard, feedback and downloads for a member's own team."""

app_name = "portal"
urlpatterns: list = []
