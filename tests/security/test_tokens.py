"""Tokens a service must refuse, tried against a real service: forged, unsigned (alg=none),
HMAC-signed with the public key, expired, not yet valid, for another audience or issuer."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric import ec

from hubs.referral.bootstrap import DEFINITION
from hubs.runtime import dev_issuer

pytestmark = pytest.mark.integration


@pytest.fixture
def referral(run_service):
    return run_service(DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()})


def claims(hub_id: str, **overrides) -> dict:
    now = int(time.time())
    return {
        "iss": dev_issuer.DEV_ISSUER,
        "aud": dev_issuer.DEFAULT_AUDIENCE,
        "sub": "tester",
        "hub_id": hub_id,
        "roles": ["clinician"],
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        **overrides,
    }


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def refused_tokens(hub_id: str) -> dict[str, str]:
    own_key = dev_issuer.private_key()
    now = int(time.time())
    header, payload = _b64(b'{"alg":"HS256","typ":"JWT"}'), _b64(json.dumps(claims(hub_id)).encode())
    hs_with_public_key = _b64(
        hmac.new(dev_issuer.public_key_pem().encode(), header + b"." + payload, hashlib.sha256).digest()
    )
    return {
        "forged (another key)": jwt.encode(claims(hub_id), ec.generate_private_key(ec.SECP256R1()), algorithm="ES256"),
        "alg=none": jwt.encode(claims(hub_id), None, algorithm="none"),
        "HS256 with the public key": (header + b"." + payload + b"." + hs_with_public_key).decode(),
        "expired": jwt.encode(claims(hub_id, iat=now - 900, nbf=now - 900, exp=now - 600), own_key, algorithm="ES256"),
        "not yet valid": jwt.encode(claims(hub_id, nbf=now + 600), own_key, algorithm="ES256"),
        "wrong audience": jwt.encode(claims(hub_id, aud="another-service"), own_key, algorithm="ES256"),
        "wrong issuer": jwt.encode(claims(hub_id, iss="https://issuer.invalid"), own_key, algorithm="ES256"),
        "garbage": "not.a.token",
    }


def test_only_a_genuine_token_is_let_in(referral, hub_id):
    good = jwt.encode(claims(hub_id), dev_issuer.private_key(), algorithm="ES256")
    assert referral.client.get("/v1/queue", headers={"Authorization": f"Bearer {good}"}).status_code == 200
    for name, token in refused_tokens(hub_id).items():
        answer = referral.client.get("/v1/queue", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401, name
        assert answer.content_type == "application/problem+json", name
        assert token not in answer.get_data(as_text=True)


def test_a_service_not_configured_for_the_dev_issuer_refuses_its_tokens(run_service, hub_id, tokens):
    service = run_service(
        DEFINITION,
        extra={
            "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
            "HUBS_AUTH_DEV_ISSUER": "false",
            "HUBS_AUTH_ISSUER": "https://login.example.invalid",
        },
    )
    assert service.client.get("/v1/queue", headers=tokens("clinician")).status_code == 401
