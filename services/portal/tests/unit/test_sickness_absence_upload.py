"""The hub lead uploads employers' sickness absence returns as a CSV file: the file goes to the hub
reporting service as it is, and each line it did not import is listed with why."""

from __future__ import annotations

import io

from hubs.portal.adapters.services import Answer

UPLOAD = ("reporting", "POST", "/v1/sickness-absence")
UNPROCESSABLE = "Unprocessable Content"
NO_MONTH_COLUMN = "the first line must name the columns; missing: month"
CSV = b"employer,month,mental_health_days_lost\nNorth Trust,2026-10,12.5\nSouth Trust,2099-01,3\n"


def upload(client, content: bytes, name: str = "returns.csv"):
    return client.post(
        "/lead/sickness-absence",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_the_file_goes_to_the_reporting_service_as_csv_and_the_line_not_imported_is_named(signed_in, services):
    services.answers[UPLOAD] = Answer(201, {
        "import_id": "0b5e0000-1111-4222-8333-444455556666", "accepted": 1,
        "rejected": [{"line": 3, "errors": {"month": ["must not be in the future"]}}],
        "months": [{"month": "2026-10", "employer_count": 1, "days_lost_mental_health": 12.5}],
    })  # fmt: skip
    response = upload(signed_in("hub-lead"), CSV)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    sent = services.calls_to(*UPLOAD)[0]
    assert sent["data"] == CSV and sent["content_type"] == "text/csv"
    assert "1 line imported" in page
    assert "1 line was not imported" in page
    assert '<li data-line="3"><strong>Line 3</strong>: Month must not be in the future</li>' in page
    assert ">12.5<" in page  # the month's new total


def test_a_file_with_no_good_line_lists_every_line_with_why_beside_the_file(signed_in, services):
    services.answers[UPLOAD] = Answer(422, title=UNPROCESSABLE, detail="No line of the file could be imported.",
                                      errors={"line 2": {"mental_health_days_lost": ["must be zero or more"]},
                                              "line 3": {"month": ["must not be in the future"],
                                                         "employer": ["is required"]}})  # fmt: skip
    response = upload(signed_in("hub-lead"), CSV)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert page.count("No line of the file could be imported") == 2  # the error summary and beside the file
    assert 'href="#file"' in page and 'id="file-error"' in page
    assert "<strong>Line 2</strong>: Mental health days lost must be zero or more" in page
    assert "<strong>Line 3</strong>: Month must not be in the future; Employer is required" in page
    assert page.index("Line 2") < page.index("Line 3")
    assert "<title>Error:" in page


def test_a_file_without_the_columns_is_refused_in_the_services_words(signed_in, services):
    services.answers[UPLOAD] = Answer(422, title=UNPROCESSABLE, detail="The file cannot be read.",
                                      errors={"header": [NO_MONTH_COLUMN]})  # fmt: skip
    page = upload(signed_in("hub-lead"), b"employer,days\nNorth,1\n").get_data(as_text=True)

    assert "The first line must name the columns; missing: month" in page
    assert "data-line" not in page


def test_an_empty_upload_is_not_sent(signed_in, services):
    response = upload(signed_in("hub-lead"), b"")

    assert response.status_code == 400
    assert "Choose a CSV file to upload" in response.get_data(as_text=True)
    assert services.calls_to(*UPLOAD) == []


def test_a_file_too_large_for_the_portal_is_said_beside_the_file_not_as_an_error_page(signed_in, services):
    response = upload(signed_in("hub-lead"), b"employer,month,mental_health_days_lost\n" + b"x,2026-10,1\n" * 7000)

    assert response.status_code == 413
    assert "The file must be smaller than 64 KB" in response.get_data(as_text=True)
    assert 'id="file-error"' in response.get_data(as_text=True)
    assert services.calls_to(*UPLOAD) == []
