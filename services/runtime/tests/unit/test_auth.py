"""Bearer token verification and hub-scoped roles: what is refused, with which status, and
what is logged (decisions, never tokens)."""

from __future__ import annotations

import base64
import json
import logging
import multiprocessing
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from flask import Blueprint

from hubs.runtime import dev_issuer
from hubs.runtime.app import create_app
from hubs.runtime.auth import Role, TokenVerifier, requires, verifier_from_settings
from hubs.runtime.settings import Settings

ISSUER = "https://login.example-trust.nhs.invalid"
AUDIENCE = "wellbeing-hubs"
HUB = "hub-a"


def _pem_public(key) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def claims(**overrides) -> dict:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-123",
        "hub_id": HUB,
        "roles": ["clinician"],
        "iat": now,
        "nbf": now,
        "exp": now + 300,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture
def app(tmp_path: Path, signing_key):
    key_file = tmp_path / "idp.pem"
    key_file.write_text(_pem_public(signing_key))
    settings = Settings(
        service="test",
        hub_id=HUB,
        extra={
            "HUBS_AUTH_ISSUER": ISSUER,
            "HUBS_AUTH_AUDIENCE": AUDIENCE,
            "HUBS_AUTH_PUBLIC_KEY_FILES": str(key_file),
            "HUBS_AUTH_ALGORITHMS": "RS256",
        },
    )
    flask_app, _ = create_app(settings, title="t", description="t", readiness_checks={})
    bp = Blueprint("t", __name__)

    @bp.get("/v1/queue")
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def queue():
        return {"ok": True}

    @bp.get("/v1/cases/<case_id>")
    @requires(Role.CLINICIAN)
    def case(case_id):
        return {"case_id": case_id}

    @bp.get("/v1/national")
    @requires(Role.NATIONAL_ANALYST, national=True)
    def national():
        return {"ok": True}

    flask_app.register_blueprint(bp)
    return flask_app


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def sign(key, **overrides) -> str:
    return jwt.encode(claims(**overrides), key, algorithm="RS256")


def test_a_valid_token_of_this_hub_with_the_right_role_is_let_in(app, signing_key):
    assert app.test_client().get("/v1/queue", headers=bearer(sign(signing_key))).status_code == 200


def test_no_token_or_another_scheme_is_401_problem_json(app):
    client = app.test_client()
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}):
        answer = client.get("/v1/queue", headers=headers)
        assert answer.status_code == 401
        assert answer.content_type == "application/problem+json"


def test_a_token_signed_by_another_key_is_refused(app):
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert app.test_client().get("/v1/queue", headers=bearer(sign(forger))).status_code == 401


def test_a_token_with_a_tampered_payload_is_refused(app, signing_key):
    header, _, signature = sign(signing_key).split(".")
    payload = base64.urlsafe_b64encode(json.dumps(claims(roles=["hub-lead"])).encode()).rstrip(b"=").decode()
    assert app.test_client().get("/v1/queue", headers=bearer(f"{header}.{payload}.{signature}")).status_code == 401


def test_an_unsigned_alg_none_token_is_refused(app):
    token = jwt.encode(claims(), None, algorithm="none")
    assert app.test_client().get("/v1/queue", headers=bearer(token)).status_code == 401


def test_an_hmac_token_signed_with_the_public_key_is_refused(app, signing_key):
    public_pem = _pem_public(signing_key).encode()
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
    payload = base64.urlsafe_b64encode(json.dumps(claims()).encode()).rstrip(b"=")
    import hashlib
    import hmac

    signature = base64.urlsafe_b64encode(hmac.new(public_pem, header + b"." + payload, hashlib.sha256).digest())
    token = b".".join([header, payload, signature.rstrip(b"=")]).decode()
    assert app.test_client().get("/v1/queue", headers=bearer(token)).status_code == 401


def test_an_expired_token_is_refused_beyond_the_clock_skew(app, signing_key):
    now = int(time.time())
    expired = sign(signing_key, iat=now - 600, nbf=now - 600, exp=now - 120)
    assert app.test_client().get("/v1/queue", headers=bearer(expired)).status_code == 401
    within_skew = sign(signing_key, iat=now - 600, nbf=now - 600, exp=now - 5)
    assert app.test_client().get("/v1/queue", headers=bearer(within_skew)).status_code == 200


def test_a_token_not_yet_valid_is_refused(app, signing_key):
    now = int(time.time())
    assert app.test_client().get("/v1/queue", headers=bearer(sign(signing_key, nbf=now + 600))).status_code == 401


def test_wrong_audience_or_issuer_is_refused(app, signing_key):
    client = app.test_client()
    assert client.get("/v1/queue", headers=bearer(sign(signing_key, aud="another-app"))).status_code == 401
    assert client.get("/v1/queue", headers=bearer(sign(signing_key, iss="https://evil.invalid"))).status_code == 401


def test_a_token_without_subject_expiry_or_hub_is_refused(app, signing_key):
    client = app.test_client()
    for missing in ("sub", "exp", "hub_id"):
        token = jwt.encode({k: v for k, v in claims().items() if k != missing}, signing_key, algorithm="RS256")
        assert client.get("/v1/queue", headers=bearer(token)).status_code == 401, missing


def test_a_role_that_may_not_do_this_is_403(app, signing_key):
    answer = app.test_client().get("/v1/queue", headers=bearer(sign(signing_key, roles=["referrer"])))
    assert answer.status_code == 403
    assert answer.get_json()["type"].endswith("forbidden")


def test_someone_of_another_hub_is_403_on_lists_and_404_on_a_case(app, signing_key):
    client = app.test_client()
    other = sign(signing_key, hub_id="hub-b")
    assert client.get("/v1/queue", headers=bearer(other)).status_code == 403
    assert client.get("/v1/cases/abc", headers=bearer(other)).status_code == 404
    assert client.get("/v1/cases/abc", headers=bearer(sign(signing_key))).status_code == 200


def test_a_national_analyst_of_any_hub_reads_national_figures_but_no_one_else(app, signing_key):
    client = app.test_client()
    assert (
        client.get(
            "/v1/national", headers=bearer(sign(signing_key, hub_id="national", roles=["national-analyst"]))
        ).status_code
        == 200
    )
    assert client.get("/v1/national", headers=bearer(sign(signing_key, hub_id="hub-b"))).status_code == 403


def test_decisions_are_logged_and_tokens_never(app, signing_key, caplog):
    token = sign(signing_key)
    forged = sign(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    with caplog.at_level(logging.INFO):
        app.test_client().get("/v1/queue", headers=bearer(token))
        app.test_client().get("/v1/queue", headers=bearer(forged))
        app.test_client().get("/v1/queue", headers=bearer(sign(signing_key, roles=["referrer"])))
    messages = [r.getMessage() for r in caplog.records]
    assert "access granted" in messages and "authentication refused" in messages and "access refused" in messages
    everything = " ".join(str(vars(r)) for r in caplog.records)
    for secret in (token, forged, token.split(".")[2], forged.split(".")[2]):
        assert secret not in everything


def test_keys_can_come_from_a_jwks_document_chosen_by_key_id(tmp_path: Path):
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "ES256"}]}))
    verifier = verifier_from_settings(
        {"HUBS_AUTH_ISSUER": ISSUER, "HUBS_AUTH_JWKS_FILE": str(jwks), "HUBS_AUTH_ALGORITHMS": "ES256"}
    )
    assert verifier is not None
    good = jwt.encode(claims(), key, algorithm="ES256", headers={"kid": "k1"})
    assert verifier.verify(good).hub_id == HUB
    unknown_kid = jwt.encode(claims(), key, algorithm="ES256", headers={"kid": "k2"})
    with pytest.raises(jwt.InvalidTokenError):
        verifier.verify(unknown_kid)


def test_unsafe_algorithms_cannot_be_configured():
    for algorithms in (("none",), ("HS256",), ("RS256", "HS512")):
        with pytest.raises(ValueError, match="not allowed"):
            TokenVerifier(ISSUER, AUDIENCE, [], algorithms=algorithms)


def test_the_dev_issuer_is_trusted_only_when_configured(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("HUBS_DEV_ISSUER_KEY_FILE", str(tmp_path / "dev.pem"))
    dev_issuer.main(["--hub", HUB, "--role", "clinician", "--role", "hub-lead", "--subject", "s-1"])
    token = capsys.readouterr().out.strip()
    assert verifier_from_settings({}) is None
    not_trusted = verifier_from_settings({"HUBS_AUTH_ISSUER": ISSUER, "HUBS_AUTH_PUBLIC_KEY_FILES": ""})
    assert not_trusted is not None
    with pytest.raises(jwt.InvalidTokenError):
        not_trusted.verify(token)
    trusted = verifier_from_settings({"HUBS_AUTH_DEV_ISSUER": "true"})
    assert trusted is not None
    principal = trusted.verify(token)
    assert (principal.subject, principal.hub_id, principal.roles) == ("s-1", HUB, frozenset({"clinician", "hub-lead"}))


def test_a_service_without_an_identity_provider_refuses_every_protected_view():
    flask_app, _ = create_app(Settings(service="t", hub_id=HUB), title="t", description="t", readiness_checks={})
    bp = Blueprint("t", __name__)

    @bp.get("/v1/queue")
    @requires(Role.CLINICIAN)
    def queue():
        return {}

    flask_app.register_blueprint(bp)
    assert flask_app.test_client().get("/v1/queue", headers=bearer("x.y.z")).status_code == 401


def test_access_is_checked_before_the_body_is_validated(tmp_path: Path, signing_key):
    from flask.views import MethodView
    from flask_smorest import Blueprint as ApiBlueprint
    from marshmallow import Schema, fields

    class Body(Schema):
        name = fields.String(required=True)

    key_file = tmp_path / "idp.pem"
    key_file.write_text(_pem_public(signing_key))
    settings = Settings(
        service="test",
        hub_id=HUB,
        extra={
            "HUBS_AUTH_ISSUER": ISSUER,
            "HUBS_AUTH_PUBLIC_KEY_FILES": str(key_file),
            "HUBS_AUTH_ALGORITHMS": "RS256",
        },
    )
    flask_app, api = create_app(settings, title="t", description="t", readiness_checks={})
    blp = ApiBlueprint("things", __name__, url_prefix="/v1")

    @blp.route("/things/<thing_id>")
    class Things(MethodView):
        @blp.arguments(Body)
        @blp.response(201)
        @requires(Role.HUB_LEAD)
        def post(self, body, thing_id):
            return {"name": body["name"]}

    api.register_blueprint(blp)
    client = flask_app.test_client()
    assert client.post("/v1/things/1", json={}).status_code == 401
    assert client.post("/v1/things/1", json={}, headers=bearer(sign(signing_key))).status_code == 403
    assert client.post("/v1/things/1", json={}, headers=bearer(sign(signing_key, hub_id="hub-b"))).status_code == 404
    lead = bearer(sign(signing_key, roles=["hub-lead"]))
    assert client.post("/v1/things/1", json={}, headers=lead).status_code == 422
    assert client.post("/v1/things/1", json={"name": "x"}, headers=lead).status_code == 201


def _public_key_when_released(path: str, start, answers) -> None:
    start.wait()
    try:
        answers.put(dev_issuer.public_key_pem(Path(path)))
    except Exception as exc:  # the test reports what any worker met
        answers.put(f"{type(exc).__name__}: {exc}")


def test_workers_starting_together_all_read_the_one_dev_issuer_key_made(tmp_path):
    # A server's workers boot at once on a fresh machine: each finds no key and makes one.
    context = multiprocessing.get_context("fork")
    start, answers = context.Barrier(8), context.Queue()
    path = tmp_path / "keys" / "dev-issuer-key.pem"
    workers = [context.Process(target=_public_key_when_released, args=(str(path), start, answers)) for _ in range(8)]
    for worker in workers:
        worker.start()
    keys = [answers.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert len(set(keys)) == 1 and keys[0].startswith("-----BEGIN PUBLIC KEY-----"), set(keys)
    assert keys[0] == dev_issuer.public_key_pem(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # nothing left aside
