"""What the generated-input tests share: the service's OpenAPI as schemathesis reads it, with a
token of every role of the test's hub, so that every operation is reachable."""

from __future__ import annotations

import pytest
import schemathesis


@pytest.fixture
def openapi_with_every_role(tokens):
    """`openapi_with_every_role(app)`: the app's schemathesis schema, every call signed as a
    clinician, hub lead and referrer of this hub."""

    def load(app):
        schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
        bearer = tokens("clinician", "hub-lead", "referrer")["Authorization"]

        @schema.auth()
        class DevIssuerToken:
            def get(self, case, context) -> str:
                return bearer

            def set(self, case, data: str, context) -> None:
                case.headers = {**(case.headers or {}), "Authorization": data}

        return schema

    return load
