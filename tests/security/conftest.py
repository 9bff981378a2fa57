"""What the generated-input tests share: the service's OpenAPI as schemathesis reads it, with a
token of every role of the test's hub, so that every operation is reachable."""

from __future__ import annotations

import pytest
import schemathesis


@pytest.fixture
def openapi_with_every_role(tokens):
    """`openapi_with_every_role(app)`: the app's schemathesis schema, every call signed as a
    clinician, hub lead and referrer of this hub (`national=True`: a national analyst)."""

    def load(app, national: bool = False):
        schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
        # Every service refuses text with a NUL (hubs.runtime.guards), which OpenAPI cannot say;
        # test_hostile_input.py sends it on purpose.
        schema.config.generation.update(allow_x00=False)
        roles = ("national-analyst",) if national else ("clinician", "hub-lead", "referrer")
        bearer = tokens(*roles, hub="national" if national else None)["Authorization"]

        @schema.auth()
        class DevIssuerToken:
            def get(self, case, context) -> str:
                return bearer

            def set(self, case, data: str, context) -> None:
                case.headers = {**(case.headers or {}), "Authorization": data}

        return schema

    return load
