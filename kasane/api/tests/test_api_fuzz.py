"""Schema-driven fuzzing (schemathesis): no API input, valid or not, produces a 500."""

import json
from urllib.parse import urlencode

import pytest
import schemathesis
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.core import NotSet

from kasane.core.models import ApiToken


def _operations():
    spec = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    schema = schemathesis.openapi.from_dict(spec)
    return schema, [result.ok() for result in schema.get_all_operations()]


SCHEMA, OPERATIONS = _operations()


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
@pytest.mark.parametrize("actor", ["admin", "counselor"])
def test_no_input_makes_the_api_fail_with_a_500(users, agency, operation, actor):
    _token, key = ApiToken.issue(user=users[actor], name="fuzz")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    @given(case=operation.as_strategy())
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        # Through Django's test client (same database connection as the test), not a separate WSGI app.
        query = urlencode(case.query or {}, doseq=True)
        body = "" if isinstance(case.body, NotSet) else json.dumps(case.body)
        response = client.generic(
            case.method,
            case.formatted_path + (f"?{query}" if query else ""),
            body,
            content_type=case.media_type or "application/json",
        )
        assert response.status_code < 500, (case.path, case.method, case.body, response.content[:300])
        if response.status_code >= 400:
            assert "detail" in response.json()

    check()
