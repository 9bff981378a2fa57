"""The hub lead's data set page shows each ended month's sign-off, and signs off a month only
after showing the gaps in its records."""

from __future__ import annotations

from hubs.portal.adapters.services import Answer

MONTHS = {
    "sign_off_days": 10,
    "months": [
        {"period_type": "month", "period": "2026-11", "state": "awaiting-sign-off",
         "final_without_sign_off_on": "2026-12-11", "signed_off_by": None, "signed_off_at": None},
        {"period_type": "month", "period": "2026-10", "state": "signed-off", "final_without_sign_off_on": "2026-11-11",
         "signed_off_by": "lead-1", "signed_off_at": "2026-11-03T12:00:00+00:00"},
        {"period_type": "month", "period": "2026-09", "state": "final-without-sign-off",
         "final_without_sign_off_on": "2026-10-11", "signed_off_by": None, "signed_off_at": None},
    ],
}  # fmt: skip
NOVEMBER = {
    "hub_id": "unit-hub", "period_type": "month", "period": "2026-11", "figures": {"first_contacts": 12},
    "report_version": 3, "final": False, "state": "awaiting-sign-off", "signed_off": False,
}  # fmt: skip
QUALITY = {
    "hub_id": "unit-hub", "period_type": "month", "period": "2026-11", "referrals_received": 41,
    "referrals_missing_demographics": {"ethnicity": 6, "age_band": 2}, "referrals_without_outcome": 4,
    "cases_without_referral": 1, "treatments_started_with_unknown_wait": 0,
    "onward_referrals_without_reply_after_6_weeks": 3,
}  # fmt: skip


def row(page: str, attribute: str) -> str:
    start = page.index(attribute)
    return page[start : page.index("</tr>", start)]


def test_the_data_set_page_shows_each_ended_months_state_and_offers_sign_off_only_where_it_awaits(signed_in, services):
    services.answers[("reporting", "GET", "/v1/dataset")] = Answer(200, NOVEMBER)
    services.answers[("reporting", "GET", "/v1/dataset/sign-offs")] = Answer(200, MONTHS)
    page = signed_in("hub-lead").get("/lead/dataset").get_data(as_text=True)
    november, october, september = (row(page, f'data-month="2026-{m}"') for m in ("11", "10", "09"))
    assert "Awaiting sign-off: final without it on 11 Dec 2026" in november
    assert "Sign off this month" in november and "sign_off=1" in november
    assert "Signed off by the hub on 3 Nov 2026" in october and "Sign off this month" not in october
    assert "Final without sign-off" in september and "Sign off this month" not in september
    assert 'id="sign-off-confirmation"' not in page  # nothing is signed off from the list itself
    assert "lead-1" not in page


def test_the_sign_off_button_first_shows_the_months_data_quality_and_only_the_confirmation_signs_off(
    signed_in, services
):
    services.answers[("reporting", "GET", "/v1/dataset")] = Answer(200, NOVEMBER)
    services.answers[("reporting", "GET", "/v1/dataset/sign-offs")] = Answer(200, MONTHS)
    services.answers[("reporting", "GET", "/v1/data-quality")] = Answer(200, QUALITY)
    services.answers[("reporting", "POST", "/v1/dataset/sign-offs")] = Answer(201, {**MONTHS["months"][0],
                                                                                   "state": "signed-off"})  # fmt: skip
    client = signed_in("hub-lead")

    page = client.get("/lead/dataset?period_type=month&period=2026-11&sign_off=1").get_data(as_text=True)

    confirmation = page[page.index('id="sign-off-confirmation"') : page.index("</section>")]
    assert "Sign off November 2026?" in confirmation
    assert ">41<" in row(confirmation, 'data-quality="referrals_received"')
    assert ">4<" in row(confirmation, 'data-quality="referrals_without_outcome"')
    assert ">3<" in row(confirmation, 'data-quality="onward_referrals_without_reply_after_6_weeks"')
    assert ">6<" in row(confirmation, 'data-quality="missing.ethnicity"')
    assert 'name="period" value="2026-11"' in confirmation and "Sign off this month" in confirmation
    assert services.calls_to("reporting", "GET", "/v1/data-quality")[0]["params"] == {
        "period_type": "month", "period": "2026-11",
    }  # fmt: skip
    assert services.calls_to("reporting", "POST", "/v1/dataset/sign-offs") == []

    signed = client.post("/lead/dataset/sign-off", data={"period": "2026-11"})

    assert signed.status_code == 303
    assert "period=2026-11" in signed.headers["Location"]
    assert services.calls_to("reporting", "POST", "/v1/dataset/sign-offs")[0]["json"] == {
        "period_type": "month", "period": "2026-11",
    }  # fmt: skip
    assert "November 2026 signed off" in client.get(signed.headers["Location"]).get_data(as_text=True)


def test_a_month_not_awaiting_sign_off_is_not_offered_for_it(signed_in, services):
    signed = {**NOVEMBER, "state": "signed-off", "final": True, "signed_off": True}
    services.answers[("reporting", "GET", "/v1/dataset")] = Answer(200, signed)
    services.answers[("reporting", "GET", "/v1/dataset/sign-offs")] = Answer(200, MONTHS)
    page = signed_in("hub-lead").get("/lead/dataset?period_type=month&period=2026-11&sign_off=1").get_data(as_text=True)
    assert 'id="sign-off-confirmation"' not in page
    assert "sent to the national team as final, signed off by the hub" in page
    assert services.calls_to("reporting", "GET", "/v1/data-quality") == []


def test_a_sign_off_the_service_refuses_says_why(signed_in, services):
    services.answers[("reporting", "POST", "/v1/dataset/sign-offs")] = Answer(
        409, title="Conflict", detail="2026-11 is already signed off"
    )
    client = signed_in("hub-lead")
    answer = client.post("/lead/dataset/sign-off", data={"period": "2026-11"}, follow_redirects=True)
    assert "November 2026 was not signed off: 2026-11 is already signed off" in answer.get_data(as_text=True)


def test_only_a_hub_lead_signs_off_a_month(signed_in, services):
    response = signed_in("clinician").post("/lead/dataset/sign-off", data={"period": "2026-11"})
    assert response.status_code == 403
    assert services.calls_to("reporting", "POST", "/v1/dataset/sign-offs") == []


def test_the_data_set_page_says_exact_counts_go_to_the_national_service_which_hides_small_numbers(signed_in, services):
    services.answers[("reporting", "GET", "/v1/dataset")] = Answer(200, NOVEMBER)
    page = signed_in("hub-lead").get("/lead/dataset").get_data(as_text=True)
    said = page[page.index('id="dataset-exactness"') : page.index("</p>", page.index('id="dataset-exactness"'))]
    assert "Exact counts, as the hub sends them to the national reporting service" in said
    assert "small numbers are hidden there when the figures are published" in said
    assert "before suppression" not in page and "they stay in the hub" not in page
