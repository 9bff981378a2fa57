"""The demo hub's working day, entered over the services' APIs as its people would enter it.

People refer themselves; a clinician works the queue from the top, recording contact attempts;
once the assessment service shows first contact (`first_contact_at`) the clinician completes the
assessment, and care co-ordination carries out its outcome (some people are referred on, so
onward referrals appear); every tenth referral the hub lead records an outreach event. Nothing is
sent that the pathway's order refuses: no assessment before first contact, no onward referral
for a case not yet assessed."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hubs.loadgen.population import Population

log = logging.getLogger("hubs.loadgen")

# (method, url, body, token) -> (HTTP status, JSON body); status 0 when the hub did not answer.
Send = Callable[[str, str, dict | None, str | None], tuple[int, Any]]

# The clinician keeps the queue near this size: above it, two people are tried each turn.
QUEUE_WORKING_SIZE = 20
# Share of turns the clinician tries the top of the queue while it is at its working size or less.
CONTACT_SHARE = 0.5
# Contacted people waiting for their assessment: the clinician contacts no one more past this.
MAX_WAITING_FOR_ASSESSMENT = 5
# How long to wait for the assessment service to show first contact before giving the case up.
FIRST_CONTACT_WAIT_SECONDS = 120.0


def send_json(method: str, url: str, body: dict | None = None, token: str | None = None) -> tuple[int, Any]:
    """One request to the hub; a refusal is logged with the service's field messages."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - the operator's own hub
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as exc:
        try:
            problem = json.loads(exc.read() or b"null")
        except ValueError:
            problem = None
        return exc.code, problem
    except (urllib.error.URLError, TimeoutError) as exc:
        log.warning("demo call failed: %s %s %s", method, url, type(exc).__name__)
        return 0, None


@dataclass
class Urls:
    referral: str
    assessment: str
    outreach: str


@dataclass
class Contacted:
    """A person the clinician reached, whose assessment waits for the assessment service to know it."""

    referral_id: str
    since: float


@dataclass
class Feed:
    """One turn at a time of the demo hub's activity."""

    population: Population
    urls: Urls
    clinician: Callable[[], str]
    hub_lead: Callable[[], str]
    send: Send = send_json
    clock: Callable[[], float] = time.monotonic
    referrals: int = 0
    waiting_for_assessment: dict[str, Contacted] = field(default_factory=dict)

    def turn(self, today: date) -> None:
        """A person refers themselves; the clinician contacts and assesses; now and then, outreach."""
        self._post(f"{self.urls.referral}/v1/self-referrals", self.population.self_referral(), None)
        self.referrals += 1
        self.work_the_queue()
        self.assess_those_contacted()
        if self.referrals % 10 == 0:
            self._post(f"{self.urls.outreach}/v1/outreach-events", self.population.outreach_event(today),
                       self.hub_lead())  # fmt: skip

    def work_the_queue(self) -> None:
        """Contact attempts from the top of the queue (urgent first, then the least time left)."""
        if len(self.waiting_for_assessment) >= MAX_WAITING_FOR_ASSESSMENT:
            return
        status, queue = self.send("GET", f"{self.urls.referral}/v1/queue", None, self.clinician())
        if status != 200 or not isinstance(queue, list) or not queue:
            return
        tries = 2 if len(queue) > QUEUE_WORKING_SIZE else int(self.population.random.random() < CONTACT_SHARE)
        for entry in queue[:tries]:
            referral_id, case_id = str(entry["referral_id"]), str(entry["case_id"])
            attempt = self.population.contact_attempt()
            recorded = self._post(f"{self.urls.referral}/v1/referrals/{referral_id}/contact-attempts", attempt,
                                  self.clinician())  # fmt: skip
            if recorded and recorded.get("first_contact"):
                self.waiting_for_assessment[case_id] = Contacted(referral_id, self.clock())

    def assess_those_contacted(self) -> None:
        """Complete the assessment of each person contacted once the assessment service shows first
        contact (it hears of it from the referral service's event, a moment later)."""
        for case_id, contacted in list(self.waiting_for_assessment.items()):
            url = f"{self.urls.assessment}/v1/cases/{case_id}/assessment"
            status, record = self.send("GET", url, None, self.clinician())
            if status == 200 and isinstance(record, dict) and record.get("status") != "to-do":
                del self.waiting_for_assessment[case_id]  # assessed or closed meanwhile
            elif status == 200 and isinstance(record, dict) and record.get("first_contact_at"):
                del self.waiting_for_assessment[case_id]
                self._post(url, self.population.assessment(), self.clinician())
            elif self.clock() - contacted.since > FIRST_CONTACT_WAIT_SECONDS:
                del self.waiting_for_assessment[case_id]
                log.warning("the assessment service did not show first contact of a case in time; not assessed")

    def _post(self, url: str, body: dict, token: str | None) -> dict | None:
        status, answer = self.send("POST", url, body, token)
        if 200 <= status < 300:
            return answer if isinstance(answer, dict) else {}
        if status:
            errors = answer.get("errors") if isinstance(answer, dict) else None
            log.warning("demo data refused: POST %s %s %s", url, status, json.dumps(errors) if errors else "")
        return None


def renewed(issue: Callable[[], str], every_seconds: float, clock: Callable[[], float] = time.monotonic):
    """A token, issued again before it expires (the demo runs for days)."""
    held: dict[str, Any] = {}

    def token() -> str:
        if "token" not in held or clock() - held["at"] > every_seconds:
            held.update(token=issue(), at=clock())
        return held["token"]

    return token
