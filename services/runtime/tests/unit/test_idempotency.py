"""Idempotency-Key on creating POSTs, with a fake key store: a retried request makes one record and
gets the first answer again; another body under the same key, or a key still in flight, is refused;
a refused request frees its key; keys belong to their caller; nothing readable is kept."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field

import pytest
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.runtime import dev_issuer
from hubs.runtime.app import create_app
from hubs.runtime.auth import Role, requires
from hubs.runtime.idempotency import (
    HEADER,
    CallerKey,
    Claim,
    Outcome,
    StoredAnswer,
    expiry_from_settings,
    fingerprint,
    parse_key,
)
from hubs.runtime.problems import Problem
from hubs.runtime.settings import Settings

HUB = "hub-a"


@dataclass
class Row:
    claim_id: uuid.UUID
    fingerprint: str
    status: int | None = None
    sealed: bytes | None = None


@dataclass
class FakeKeyStore:
    """Keys in a dict, as the table keeps them."""

    rows: dict[str, Row] = field(default_factory=dict)

    def claim(self, key_id: str, fingerprint: str) -> Claim:
        row = self.rows.get(key_id)
        if row is None:
            claim_id = uuid.uuid4()
            self.rows[key_id] = Row(claim_id, fingerprint)
            return Claim(Outcome.CLAIMED, claim_id)
        if row.fingerprint != fingerprint:
            return Claim(Outcome.MISMATCH)
        if row.status is None:
            return Claim(Outcome.IN_FLIGHT)
        return Claim(Outcome.ANSWERED, row.claim_id, row.sealed)

    def complete(self, key_id: str, claim_id: uuid.UUID, status: int, sealed: bytes) -> None:
        row = self.rows[key_id]
        assert row.claim_id == claim_id
        row.status, row.sealed = status, sealed

    def release(self, key_id: str, claim_id: uuid.UUID) -> None:
        if self.rows[key_id].claim_id == claim_id:
            del self.rows[key_id]


@dataclass
class Notes:
    """What the test app's views have created."""

    made: list[dict] = field(default_factory=list)
    csv: list[str] = field(default_factory=list)
    gate: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)


def _app(store: FakeKeyStore, notes: Notes):
    settings = Settings(service="notes", hub_id=HUB, extra={"HUBS_AUTH_DEV_ISSUER": "true"})
    app, api = create_app(settings, title="Notes", description="Notes", readiness_checks={}, idempotency_keys=store)
    blp = Blueprint("notes", __name__, url_prefix="/v1")

    @blp.route("/notes")
    class NoteList(MethodView):
        @blp.response(201)
        @requires(Role.CLINICIAN)
        def post(self):
            body = request.get_json()
            if notes.gate is not None:
                notes.entered.set()
                notes.gate.wait(10)
            if not body.get("text"):
                raise Problem(422, "Unprocessable Content", errors={"text": ["Enter the note"]})
            notes.made.append(body)
            return {"note_id": str(uuid.uuid4()), "number": len(notes.made)}

    @blp.route("/public-notes")
    class PublicNotes(MethodView):
        @blp.response(201)
        def post(self):
            notes.made.append(request.get_json())
            return {"note_id": str(uuid.uuid4())}

    @blp.route("/notes/<int:number>/archive")
    class Archive(MethodView):
        @blp.response(200)
        @requires(Role.CLINICIAN)
        def post(self, number: int):
            notes.made.append({"archived": number})
            return {"archived": number}

    @blp.route("/imports")
    class Imports(MethodView):
        @blp.response(201)
        @requires(Role.CLINICIAN)
        def post(self):
            notes.csv.append(request.stream.read().decode())
            return {"lines": len(notes.csv[-1].splitlines())}

    api.register_blueprint(blp)
    return app


@pytest.fixture
def store() -> FakeKeyStore:
    return FakeKeyStore()


@pytest.fixture
def notes() -> Notes:
    return Notes()


@pytest.fixture
def client(store, notes):
    return _app(store, notes).test_client()


def clinician(subject: str = "clinician-1", hub: str = HUB) -> dict[str, str]:
    return {"Authorization": "Bearer " + dev_issuer.issue(hub, ["clinician"], subject=subject)}


def keyed(key: str, **headers: str) -> dict[str, str]:
    return {HEADER: key, **headers}


def new_key() -> str:
    return str(uuid.uuid4())


def test_a_retried_request_makes_one_record_and_gets_the_first_answer_again(client, notes):
    key = new_key()
    first = client.post("/v1/notes", json={"text": "call back"}, headers=keyed(key, **clinician()))
    again = client.post("/v1/notes", json={"text": "call back"}, headers=keyed(key, **clinician()))
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.mimetype == "application/json"
    assert len(notes.made) == 1


def test_the_same_body_written_differently_is_the_same_request(client, notes):
    key = new_key()
    headers = keyed(key, **clinician(), **{"Content-Type": "application/json"})
    first = client.post("/v1/notes", data='{"text": "call back", "when": "today"}', headers=headers)
    again = client.post("/v1/notes", data='{"when":"today","text":"call back"}', headers=headers)
    assert again.get_json() == first.get_json()
    assert len(notes.made) == 1


def test_the_same_key_with_another_body_is_refused_and_creates_nothing(client, notes):
    key = new_key()
    client.post("/v1/notes", json={"text": "call back"}, headers=keyed(key, **clinician()))
    refused = client.post("/v1/notes", json={"text": "something else"}, headers=keyed(key, **clinician()))
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["type"].endswith("/idempotency-key-reused")
    assert HEADER in refused.get_json()["errors"]
    assert len(notes.made) == 1


def test_the_same_key_on_another_endpoint_is_refused(client, notes):
    key = new_key()
    client.post("/v1/notes", json={"text": "call back"}, headers=keyed(key, **clinician()))
    refused = client.post("/v1/imports", data="a,b\n", content_type="text/csv", headers=keyed(key, **clinician()))
    assert refused.status_code == 422
    assert notes.csv == []


def test_a_key_still_in_flight_is_refused_with_a_conflict(store, notes):
    app = _app(store, notes)
    notes.gate = threading.Event()
    key = new_key()
    answers: list = []
    first = threading.Thread(
        target=lambda: answers.append(
            app.test_client().post("/v1/notes", json={"text": "call back"}, headers=keyed(key, **clinician()))
        )
    )
    first.start()
    try:
        assert notes.entered.wait(10)
        busy = app.test_client().post("/v1/notes", json={"text": "call back"}, headers=keyed(key, **clinician()))
    finally:
        notes.gate.set()
        first.join(10)
    assert busy.status_code == 409
    assert busy.get_json()["type"].endswith("/idempotency-key-in-use")
    assert busy.headers["Retry-After"] == "1"
    assert answers[0].status_code == 201
    assert len(notes.made) == 1


def test_a_refused_request_frees_its_key_for_the_corrected_one(client, notes, store):
    key = new_key()
    refused = client.post("/v1/notes", json={"text": ""}, headers=keyed(key, **clinician()))
    assert refused.status_code == 422
    assert store.rows == {}
    corrected = client.post("/v1/notes", json={"text": "call back"}, headers=keyed(key, **clinician()))
    assert corrected.status_code == 201
    assert len(notes.made) == 1
    assert [row.status for row in store.rows.values()] == [201]


def test_a_key_belongs_to_its_caller(client, notes, store):
    key = new_key()
    mine = client.post("/v1/notes", json={"text": "call back"}, headers=keyed(key, **clinician("clinician-1")))
    theirs = client.post("/v1/notes", json={"text": "call back"}, headers=keyed(key, **clinician("clinician-2")))
    assert mine.status_code == theirs.status_code == 201
    assert mine.get_json() != theirs.get_json()
    assert len(notes.made) == len(store.rows) == 2


def test_an_anonymous_request_is_told_apart_by_its_key_alone(client, notes):
    key = new_key()
    first = client.post("/v1/public-notes", json={"text": "hello"}, headers=keyed(key))
    again = client.post("/v1/public-notes", json={"text": "hello"}, headers=keyed(key))
    other = client.post("/v1/public-notes", json={"text": "hello"}, headers=keyed(new_key()))
    assert again.get_json() == first.get_json() != other.get_json()
    assert len(notes.made) == 2


def test_without_a_key_every_request_is_processed(client, notes):
    for _ in range(2):
        assert client.post("/v1/notes", json={"text": "call back"}, headers=clinician()).status_code == 201
    assert len(notes.made) == 2


def test_a_post_that_creates_nothing_ignores_the_key(client, notes, store):
    key = new_key()
    for _ in range(2):
        assert client.post("/v1/notes/1/archive", headers=keyed(key, **clinician())).status_code == 200
    assert len(notes.made) == 2
    assert store.rows == {}


@pytest.mark.parametrize(
    "bad", ["short", "x" * 256, "has space in the key 123", "caf\u00e9-0123456789abcdef", 'quote"d-0123456789abcdef']
)
def test_a_malformed_key_is_refused_naming_the_header(client, notes, bad):
    refused = client.post("/v1/notes", json={"text": "call back"}, headers=keyed(bad, **clinician()))
    assert refused.status_code == 400
    assert list(refused.get_json()["errors"]) == [HEADER]
    assert notes.made == []


def test_a_key_may_be_sent_as_a_structured_field_string():
    key = new_key()
    assert parse_key(f'"{key}"') == parse_key(key) == key


def test_a_caller_without_access_learns_nothing_from_a_key(client, notes, store):
    key = new_key()
    client.post("/v1/notes", json={"text": "call back"}, headers=keyed(key, **clinician()))
    stranger = client.post(
        "/v1/notes", json={"text": "call back"}, headers=keyed(key, **clinician("clinician-1", hub="hub-b"))
    )
    assert stranger.status_code == 403
    assert "note_id" not in stranger.get_data(as_text=True)
    assert len(notes.made) == len(store.rows) == 1


def test_an_uploaded_file_reaches_the_view_whole(client, notes):
    key = new_key()
    csv = "employer,month,days\nTrust,2025-01,3\n"
    answer = client.post("/v1/imports", data=csv, content_type="text/csv", headers=keyed(key, **clinician()))
    again = client.post("/v1/imports", data=csv, content_type="text/csv", headers=keyed(key, **clinician()))
    assert answer.get_json() == again.get_json() == {"lines": 2}
    assert notes.csv == [csv]


def test_nothing_readable_is_kept_of_the_request_or_its_answer(client, store):
    key = new_key()
    answer = client.post("/v1/notes", json={"text": "Casey feels low"}, headers=keyed(key, **clinician()))
    [(key_id, row)] = store.rows.items()
    kept = f"{key_id} {row.fingerprint}".encode() + (row.sealed or b"")
    assert key.encode() not in kept
    assert b"Casey" not in kept
    assert answer.get_json()["note_id"].encode() not in kept
    # Only the key opens the answer.
    assert CallerKey(f"{HUB}\x00clinician-1", key).open(row.sealed).status == 201
    with pytest.raises(Exception):  # noqa: B017 - any failure to decrypt will do
        CallerKey(f"{HUB}\x00clinician-1", new_key()).open(row.sealed)


def test_the_openapi_document_names_the_header_on_creating_posts_only(client):
    spec = client.get("/openapi.json").get_json()

    def header_of(path: str) -> bool:
        return any(p.get("name") == HEADER for p in spec["paths"][path]["post"].get("parameters", []))

    assert header_of("/v1/notes") and header_of("/v1/public-notes") and header_of("/v1/imports")
    assert not header_of("/v1/notes/{number}/archive")
    assert {"400", "409", "422"} <= set(spec["paths"]["/v1/notes"]["post"]["responses"])


def test_the_fingerprint_tells_method_path_query_and_body_apart():
    base = ("POST", "/v1/notes", b"", b'{"a": 1}', True)
    variants = [
        ("PUT", "/v1/notes", b"", b'{"a": 1}', True),
        ("POST", "/v1/other", b"", b'{"a": 1}', True),
        ("POST", "/v1/notes", b"x=1", b'{"a": 1}', True),
        ("POST", "/v1/notes", b"", b'{"a": 2}', True),
    ]
    assert all(fingerprint(*v) != fingerprint(*base) for v in variants)
    assert fingerprint("POST", "/v1/notes", b"", b"not json", True) != fingerprint(*base)


def test_a_stored_answer_survives_sealing():
    caller = CallerKey("hub\x00someone", new_key())
    answer = StoredAnswer(201, "application/json", b'{"id": 1}', "/v1/notes/1")
    assert caller.open(caller.seal(answer)) == answer


def test_keys_are_remembered_for_24_hours_unless_configured():
    assert expiry_from_settings(Settings(service="x")).total_seconds() == 24 * 3600
    assert (
        expiry_from_settings(Settings(service="x", extra={"HUBS_IDEMPOTENCY_KEY_HOURS": "2"})).total_seconds() == 7200
    )
    for bad in ("0", "-1", "soon"):
        with pytest.raises(ValueError, match="HUBS_IDEMPOTENCY_KEY_HOURS"):
            expiry_from_settings(Settings(service="x", extra={"HUBS_IDEMPOTENCY_KEY_HOURS": bad}))
