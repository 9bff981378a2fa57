"""The authorisation matrix: every endpoint of every service, called with no token, a forged
token, and a token of each role from this hub and from another hub, answers as the table
below says (2xx, 401, 403 or 404). An endpoint missing from the table fails the test, so that
every new endpoint must be classified before it ships."""

from __future__ import annotations

import importlib
import uuid
from dataclasses import dataclass

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric import ec
from jwt import encode

from hubs.runtime import dev_issuer

pytestmark = pytest.mark.integration

CLINICIAN, HUB_LEAD, REFERRER, NATIONAL = "clinician", "hub-lead", "referrer", "national-analyst"
ROLES = (CLINICIAN, HUB_LEAD, REFERRER, NATIONAL, "no-role")


@dataclass(frozen=True)
class Access:
    """Who may call an endpoint: nobody needs a token (public), or one of `roles` of this hub
    (`national`: a national analyst of any hub), or only the portal, with its service token
    (`portal`: 403 to everyone else, whatever bearer token they show)."""

    roles: frozenset[str] = frozenset()
    public: bool = False
    national: bool = False
    portal: bool = False


PUBLIC = Access(public=True)
PORTAL_ONLY = Access(portal=True)


def only(*roles: str, national: bool = False) -> Access:
    return Access(frozenset(roles), national=national)


# Every service: health, readiness and the API description. Metrics are not on the API at all:
# they are served on the metrics port, which only Prometheus reaches (see NOT_ON_THE_API).
COMMON = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
}
# Paths no API answers, whoever asks: the hub's counters are for the monitoring namespace only.
NOT_ON_THE_API = ("/metrics",)

# (service module, reporting mode) -> {(method, rule): Access}
EXPECTATIONS: dict[tuple[str, str], dict[tuple[str, str], Access]] = {
    ("referral", "hub"): {
        ("POST", "/v1/self-referrals"): PUBLIC,
        ("POST", "/v1/colleague-referrals"): PORTAL_ONLY,
        ("POST", "/v1/referrals"): only(REFERRER, CLINICIAN, HUB_LEAD),
        ("GET", "/v1/queue"): only(CLINICIAN, HUB_LEAD),
        ("GET", "/v1/referrals"): only(CLINICIAN, HUB_LEAD),
        ("GET", "/v1/referrals/<uuid:referral_id>"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/referrals/<uuid:referral_id>/contact-attempts"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/referrals/<uuid:referral_id>/transfers"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/referrals/<uuid:referral_id>/withdrawal"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/referrals/<uuid:referral_id>/closure"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/referrals/<uuid:referral_id>/assignment"): only(CLINICIAN, HUB_LEAD),
        ("DELETE", "/v1/referrals/<uuid:referral_id>/assignment"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/referral-searches"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/case-searches"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/referrals/<uuid:referral_id>/erasure"): only(HUB_LEAD),
        ("GET", "/v1/referrals/<uuid:referral_id>/fitness-to-practise-concerns"): only(HUB_LEAD),
        ("POST", "/v1/referrals/<uuid:referral_id>/fitness-to-practise-concerns"): only(CLINICIAN, HUB_LEAD),
        ("GET", "/v1/access-audit"): only(HUB_LEAD),
        ("POST", "/v1/personal-data/key-rotation"): only(HUB_LEAD),
    },
    ("assessment", "hub"): {
        ("GET", "/v1/assessments"): only(CLINICIAN, HUB_LEAD),
        ("GET", "/v1/cases/<uuid:case_id>/assessment"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/cases/<uuid:case_id>/assessment"): only(CLINICIAN),
        ("GET", "/v1/cases/<uuid:case_id>/assessment/reasons"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/cases/<uuid:case_id>/assessment/reasons/erasure"): only(HUB_LEAD),
        ("GET", "/v1/cases/<uuid:case_id>/notes"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/cases/<uuid:case_id>/notes"): only(CLINICIAN, HUB_LEAD),
        ("GET", "/v1/access-audit"): only(HUB_LEAD),
        ("POST", "/v1/cases/<uuid:case_id>/risk-escalations"): only(CLINICIAN),
        ("GET", "/v1/cases/<uuid:case_id>/risk-history"): only(CLINICIAN, HUB_LEAD),
        ("GET", "/v1/cases/<uuid:case_id>/follow-ups"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/cases/<uuid:case_id>/follow-ups"): only(CLINICIAN),
        ("GET", "/v1/follow-ups"): only(CLINICIAN, HUB_LEAD),
        ("GET", "/v1/cases/<uuid:case_id>/outcomes"): only(CLINICIAN, HUB_LEAD),
    },
    ("care_coordination", "hub"): {
        ("GET", "/v1/cases/<uuid:case_id>"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/cases/<uuid:case_id>/closure"): only(CLINICIAN),
        ("POST", "/v1/cases/<uuid:case_id>/feedback-link"): only(CLINICIAN),
        ("POST", "/v1/cases/<uuid:case_id>/monitoring-plans"): only(CLINICIAN),
        ("POST", "/v1/cases/<uuid:case_id>/occupational-health-liaisons"): only(CLINICIAN),
        ("POST", "/v1/cases/<uuid:case_id>/signpostings"): only(CLINICIAN),
        ("POST", "/v1/monitoring-plans/<uuid:monitoring_plan_id>/end"): only(CLINICIAN),
        ("GET", "/v1/directory"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/directory"): only(HUB_LEAD),
        ("PUT", "/v1/directory/<uuid:directory_service_id>"): only(HUB_LEAD),
        ("POST", "/v1/onward-referrals"): only(CLINICIAN),
        ("POST", "/v1/onward-referrals/<uuid:onward_referral_id>/acceptance"): only(CLINICIAN),
        ("POST", "/v1/onward-referrals/<uuid:onward_referral_id>/decline"): only(CLINICIAN),
        ("POST", "/v1/onward-referrals/<uuid:onward_referral_id>/treatment-start"): only(CLINICIAN),
        ("POST", "/v1/onward-referrals/<uuid:onward_referral_id>/treatment-end"): only(CLINICIAN),
        ("GET", "/v1/service-user-feedback"): only(HUB_LEAD),
        ("POST", "/v1/service-user-feedback"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/service-user-feedback/by-link"): PUBLIC,
        ("GET", "/v1/waits"): only(CLINICIAN, HUB_LEAD),
    },
    ("outreach", "hub"): {
        ("GET", "/v1/campaigns"): only(HUB_LEAD),
        ("POST", "/v1/campaigns"): only(HUB_LEAD),
        ("GET", "/v1/campaigns/<uuid:campaign_id>"): only(HUB_LEAD),
        ("GET", "/v1/outreach-events"): only(HUB_LEAD),
        ("POST", "/v1/outreach-events"): only(HUB_LEAD),
        ("GET", "/v1/outreach-events/<uuid:outreach_event_id>"): only(HUB_LEAD),
        ("POST", "/v1/outreach-events/<uuid:outreach_event_id>/held"): only(HUB_LEAD),
        ("POST", "/v1/outreach-events/<uuid:outreach_event_id>/feedback"): only(HUB_LEAD),
        ("GET", "/v1/training-sessions"): only(HUB_LEAD),
        ("POST", "/v1/training-sessions"): only(HUB_LEAD),
        ("GET", "/v1/training-sessions/<uuid:training_session_id>"): only(HUB_LEAD),
        ("POST", "/v1/training-sessions/<uuid:training_session_id>/feedback"): only(HUB_LEAD),
        ("GET", "/v1/stakeholder-engagements"): only(HUB_LEAD),
        ("POST", "/v1/stakeholder-engagements"): only(HUB_LEAD),
        ("GET", "/v1/outreach/attribution"): only(HUB_LEAD),
        ("GET", "/v1/outreach/not-reached"): only(HUB_LEAD),
        ("GET", "/v1/outreach/summary"): only(HUB_LEAD),
        ("GET", "/v1/supervision-sessions"): only(HUB_LEAD),
        ("POST", "/v1/supervision-sessions"): only(CLINICIAN, HUB_LEAD),
        ("GET", "/v1/check-ins"): only(HUB_LEAD),
        ("POST", "/v1/check-ins"): only(CLINICIAN, HUB_LEAD),
        ("GET", "/v1/staff-surveys"): only(HUB_LEAD),
        ("POST", "/v1/staff-surveys"): only(HUB_LEAD),
        ("GET", "/v1/staff-surveys/<uuid:survey_id>"): only(HUB_LEAD),
        ("GET", "/v1/staff-surveys/<uuid:survey_id>/questions"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/staff-surveys/<uuid:survey_id>/responses"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/staff-surveys/<uuid:survey_id>/close"): only(HUB_LEAD),
        ("GET", "/v1/team-members"): only(CLINICIAN, HUB_LEAD),
        ("POST", "/v1/team-members"): only(HUB_LEAD),
        ("PUT", "/v1/team-members/<uuid:member_id>"): only(HUB_LEAD),
    },
    ("reporting", "hub"): {
        ("GET", "/v1/dataset"): only(HUB_LEAD),
        ("GET", "/v1/dataset/report"): only(HUB_LEAD),
        ("POST", "/v1/sickness-absence"): only(HUB_LEAD),
        ("GET", "/v1/quarantine"): only(HUB_LEAD),
        ("GET", "/v1/data-quality"): only(HUB_LEAD),
        ("GET", "/v1/dataset/sign-offs"): only(HUB_LEAD),
        ("POST", "/v1/dataset/sign-offs"): only(HUB_LEAD),
    },
    ("reporting", "national"): {
        ("GET", "/v1/national/dataset"): only(NATIONAL, national=True),
        ("GET", "/v1/national/comparison"): only(NATIONAL, HUB_LEAD, national=True),
        ("GET", "/v1/national/trend"): only(NATIONAL, national=True),
        ("GET", "/v1/national/monthly-return"): only(NATIONAL, national=True),
    },
}

IGNORED_RULES = ("/static/<path:filename>",)  # Flask's own static files: the services serve none


def _path(rule) -> str:
    """A concrete path for a rule: a fresh UUID for every uuid parameter (no such record)."""
    values = {}
    for name, converter in rule._converters.items():
        values[name] = uuid.uuid4() if type(converter).__name__ == "UUIDConverter" else "x"
    return rule.build(values, append_unknown=False)[1]


def _forged_header(hub_id: str) -> dict[str, str]:
    claims = {"iss": dev_issuer.DEV_ISSUER, "aud": dev_issuer.DEFAULT_AUDIENCE, "sub": "forger", "hub_id": hub_id,
              "roles": [CLINICIAN, HUB_LEAD, REFERRER, NATIONAL], "iat": 0, "exp": 4102444800}  # fmt: skip
    return {"Authorization": "Bearer " + encode(claims, ec.generate_private_key(ec.SECP256R1()), algorithm="ES256")}


def _expected(access: Access, role: str, own_hub: bool, has_record_id: bool) -> set[int] | str:
    if access.public:
        return "not-auth"
    if access.portal:
        return {403}
    allowed = role in access.roles
    if not own_hub and not (access.national and allowed):
        return {404} if has_record_id else {403}
    if not allowed:
        return {403}
    return "allowed"


@pytest.mark.parametrize(("module", "mode"), sorted(EXPECTATIONS))
def test_every_endpoint_answers_each_role_and_hub_as_classified(module, mode, run_service, hub_id, tokens):
    definition = importlib.import_module(f"hubs.{module}.bootstrap").DEFINITION
    service = run_service(
        definition,
        reporting_mode=mode,
        schema_suffix=f"{mode}_",
        extra={
            "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
            "HUBS_SELF_REFERRAL_RATE_LIMIT": "1000/second",
        },
    )
    table = {**COMMON, **EXPECTATIONS[(module, mode)]}
    client = service.client
    failures: list[str] = []
    seen: set[tuple[str, str]] = set()
    for rule in service.app.url_map.iter_rules():
        if rule.rule in IGNORED_RULES:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            key = (method, rule.rule)
            seen.add(key)
            if key not in table:
                view = service.app.view_functions[rule.endpoint]
                declared = getattr(
                    getattr(getattr(view, "view_class", None), method.lower(), view), "hubs_access", None
                )
                failures.append(
                    f"unclassified endpoint {method} {rule.rule} (its code demands {declared or 'nothing: public'}):"
                    f" add it to EXPECTATIONS[{(module, mode)}]"
                )
                continue
            access = table[key]
            path = _path(rule)
            has_record_id = bool(rule.arguments)

            def call(headers: dict[str, str], path=path, method=method) -> int:
                kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
                return client.open(path, method=method, headers=headers, **kwargs).status_code

            if not access.public:
                refused = 403 if access.portal else 401
                for label, headers in (("no token", {}), ("forged token", _forged_header(hub_id))):
                    if (status := call(headers)) != refused:
                        failures.append(f"{method} {rule.rule} with {label}: {status}, expected {refused}")
            for role in ROLES:
                for own_hub in (True, False):
                    hub = hub_id if own_hub else f"{hub_id}-other"
                    status = call(tokens(*([role] if role != "no-role" else []), hub=hub))
                    expected = _expected(access, role, own_hub, has_record_id)
                    where = f"{method} {rule.rule} as {role} of {'this' if own_hub else 'another'} hub"
                    if status >= 500:
                        failures.append(f"{where}: {status}")
                    elif expected == "allowed":
                        if status in (401, 403) or (status == 404 and not has_record_id):
                            failures.append(f"{where}: {status}, expected to be let in")
                    elif expected == "not-auth":
                        if status in (401, 403):
                            failures.append(f"{where}: {status}, the endpoint is public")
                    elif status not in expected:
                        failures.append(f"{where}: {status}, expected {sorted(expected)}")
    stale = set(EXPECTATIONS[(module, mode)]) - seen
    failures += [f"classified endpoint no longer exists: {m} {r}" for m, r in sorted(stale)]
    for path in NOT_ON_THE_API:
        for headers in ({}, tokens(HUB_LEAD, CLINICIAN, NATIONAL)):
            if (status := client.get(path, headers=headers).status_code) != 404:
                failures.append(f"GET {path} is served on the API ({status}): it belongs on the metrics port")
    assert not failures, "\n".join(failures)
