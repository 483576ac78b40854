"""The OpenAPI schema: valid, and held to the committed copy so a change to
the API is a change someone reviews. After a deliberate change, write it anew:

    DJANGO_SETTINGS_MODULE=tests.settings python manage.py spectacular \\
        --validate --file tests/api/openapi.yaml
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from openapi_spec_validator import validate

COMMITTED = Path(__file__).with_name("openapi.yaml")


def _generated() -> str:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return OpenApiYamlRenderer().render(schema, renderer_context={}).decode()


def test_the_schema_is_valid_openapi():
    validate(yaml.safe_load(_generated()))


def test_the_schema_is_the_committed_one():
    assert _generated() == COMMITTED.read_text(), (
        "The API changed: regenerate tests/api/openapi.yaml (see this file's "
        "docstring) and review the difference."
    )


def test_every_endpoint_is_in_the_schema_and_needs_a_token():
    schema = yaml.safe_load(COMMITTED.read_text())
    paths = set(schema["paths"])
    assert {
        "/api/v1/notes/",
        "/api/v1/notes/{id}/comments/",
        "/api/v1/praise/",
    } <= paths
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert {"token": []} in operation["security"]


@pytest.mark.django_db
def test_the_served_schema_is_the_same(client, cast):
    client.force_login(cast.alice.user)
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    assert response.content.decode() == COMMITTED.read_text()
