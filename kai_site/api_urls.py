"""URLs of the REST API (/api/v1/), its schema and documentation."""

urlpatterns: list = []
