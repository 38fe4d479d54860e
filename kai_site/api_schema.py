"""The OpenAPI schema view, safe under concurrent requests.

drf-spectacular builds the schema on request and loads its extensions lazily on the first build;
two threads building at once (the threaded development server, gunicorn with threads) can find
them half-loaded and answer 500. One build at a time per process: the first request builds while
the others wait a fraction of a second.
"""

import threading

from drf_spectacular.views import SpectacularAPIView

_build_lock = threading.Lock()


class SchemaView(SpectacularAPIView):
    """/api/schema/: the schema, built by one thread at a time."""

    def _get_schema_response(self, request):
        with _build_lock:
            return super()._get_schema_response(request)
