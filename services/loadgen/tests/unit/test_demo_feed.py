"""The demo feed enters a hub's day as its staff would, in the pathway's order: first contact
from the top of the queue, the assessment once the assessment service shows that contact, and
never an onward referral for a case not yet assessed (care co-ordination refers on itself when
the assessment says so)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from hubs.assessment.domain.measures import score
from hubs.assessment.domain.model import ClinicianRisk, OutcomeDecision, WorkSituation, judge_risk
from hubs.assessment.entrypoints.schemas import CompleteAssessmentSchema
from hubs.loadgen import feed as demo
from hubs.loadgen.feed import Feed, Urls
from hubs.loadgen.population import Population

URLS = Urls(referral="http://referral", assessment="http://assessment", outreach="http://outreach")
TODAY = date(2026, 11, 26)


@dataclass
class FakeHub:
    """The hub's services as the feed meets them: the referral queue, and an assessment service that
    hears of first contact only after `lag` reads (the event's journey) and refuses an assessment
    before it, as the real one does. Onward referrals are refused for a case not yet assessed."""

    lag: int = 2
    queue: list[dict] = field(default_factory=list)
    reads_since_contact: dict[str, int] = field(default_factory=dict)
    assessed: dict[str, dict] = field(default_factory=dict)
    refused: list[tuple[str, int]] = field(default_factory=list)
    posted: list[str] = field(default_factory=list)

    def send(self, method: str, url: str, body: dict | None, token: str | None) -> tuple[int, Any]:
        service, path = url.removeprefix("http://").split("/", 1)
        if method == "POST":
            self.posted.append(f"{service}/{path}")
        status, answer = self._answer(method, service, "/" + path, body)
        if status >= 400:
            self.refused.append((f"{method} {service}/{path}", status))
        return status, answer

    def _answer(self, method: str, service: str, path: str, body: dict | None) -> tuple[int, Any]:
        if (method, service, path) == ("POST", "referral", "/v1/self-referrals"):
            self.queue.append({"referral_id": str(uuid.uuid4()), "case_id": str(uuid.uuid4())})
            return 201, {"reference": "DEMO"}
        if (method, service, path) == ("GET", "referral", "/v1/queue"):
            return 200, list(self.queue)
        if service == "referral" and path.endswith("/contact-attempts"):
            [entry] = [e for e in self.queue if path == f"/v1/referrals/{e['referral_id']}/contact-attempts"]
            if body["outcome"] != "contacted":
                return 201, {"first_contact": False}
            self.queue.remove(entry)
            self.reads_since_contact[entry["case_id"]] = 0
            return 201, {"first_contact": True}
        if service == "assessment":
            case_id = path.split("/")[3]
            if case_id not in self.reads_since_contact:
                return 404, {"title": "Not Found"}
            if method == "GET":
                self.reads_since_contact[case_id] += 1
                return 200, self._record(case_id)
            if not self._record(case_id)["first_contact_at"]:
                return 409, {"errors": {"first_contact": ["First contact must be recorded before the assessment."]}}
            if case_id in self.assessed:
                return 409, {"errors": {"status": ["the assessment is completed"]}}
            self.assessed[case_id] = body
            return 200, self._record(case_id)
        if (method, service, path) == ("POST", "care", "/v1/onward-referrals"):
            return (201, {}) if body["case_id"] in self.assessed else (409, {"errors": {"case_id": ["not assessed"]}})
        if (method, service, path) == ("POST", "outreach", "/v1/outreach-events"):
            return 201, {}
        return 404, None

    def _record(self, case_id: str) -> dict:
        known = self.reads_since_contact[case_id] > self.lag
        status = "completed" if case_id in self.assessed else "to-do"
        return {
            "case_id": case_id,
            "status": status,
            "first_contact_at": "2026-11-26T10:00:00+00:00" if known else None,
        }


def run_feed(hub: FakeHub, turns: int, clock=lambda: 0.0) -> Feed:
    fed = Feed(Population(2020), URLS, lambda: "clinician-token", lambda: "lead-token", send=hub.send, clock=clock)
    for _ in range(turns):
        fed.turn(TODAY)
    return fed


def test_the_feed_assesses_people_only_once_the_assessment_service_shows_first_contact():
    hub = FakeHub(lag=2)
    run_feed(hub, 200)
    assert hub.refused == []
    assert len(hub.assessed) > 40
    decisions = [d for body in hub.assessed.values() for d in body["outcome"]["decisions"]]
    assert 0.2 < decisions.count("refer-on") / len(decisions) < 0.5  # so onward referrals still appear


def test_the_feed_makes_no_onward_referral_of_its_own():
    hub = FakeHub(lag=0)
    run_feed(hub, 100)
    assert not [p for p in hub.posted if p.startswith("care/")]


def test_the_clinician_keeps_the_queue_at_a_working_size():
    hub = FakeHub(lag=0)
    run_feed(hub, 400)
    assert len(hub.queue) <= demo.QUEUE_WORKING_SIZE + 2


def test_a_contact_the_assessment_service_never_shows_is_given_up_and_never_assessed():
    hub = FakeHub(lag=10**9)
    now = [0.0]
    fed = run_feed(hub, 30, clock=lambda: now[0])
    assert len(fed.waiting_for_assessment) == demo.MAX_WAITING_FOR_ASSESSMENT
    assert not hub.assessed and hub.refused == []
    now[0] = demo.FIRST_CONTACT_WAIT_SECONDS + 1
    fed.turn(TODAY)
    assert len(fed.waiting_for_assessment) <= 2  # given up; the clinician contacts people again
    assert not hub.assessed


@pytest.mark.parametrize("seed", range(5))
def test_demo_assessments_satisfy_the_assessment_services_rules(seed):
    population = Population(seed)
    for _ in range(100):
        body = CompleteAssessmentSchema().load(population.assessment())
        risk = judge_risk(ClinicianRisk(**body["risk"]), score({k: v for k, v in body["measures"].items() if v}))
        WorkSituation(**body["work_situation"]).check()
        outcome = body["outcome"]
        OutcomeDecision(
            decisions=tuple(outcome["decisions"]),
            reasons=outcome["reasons"],
            refer_on_to=tuple(outcome["refer_on_to"]),
            signpost_to=tuple(outcome["signpost_to"]),
            monitoring_review_interval_days=outcome["monitoring_review_interval_days"],
        ).check(risk, occupational_health_consent=False)
