"""The OpenAPI schema validates, and the documentation pages use only our own static files."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/phases/{slug}/leaderboard/:" in text and "/api/v1/runs/:" in text


def test_every_operation_documents_its_error_responses(client):
    schema = client.get("/api/schema/?format=json", HTTP_ACCEPT="application/json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "429" in codes, f"{method} {path}"
            assert codes & {"400", "401", "404"}, f"{method} {path}"


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_documentation_pages_load_only_our_own_static_files(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "an outside URL"
    assets = re.findall(r"""(?:src|href)=["']/static/([^"']+)["']""", html)
    assert assets, "the page names its static files"
    for asset in assets:
        assert finders.find(asset), f"missing static file {asset}"


def test_the_swagger_script_is_served_as_a_file_not_inline(client):
    html = client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="([^"]*docs/\?script=)"', html)
    assert script and "<script>" not in html
    assert client.get(script.group(1)).status_code == 200
