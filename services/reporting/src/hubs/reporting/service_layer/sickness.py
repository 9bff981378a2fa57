"""Importing employers' sickness absence returns (data item 14)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from hubs.reporting.adapters.metrics import SICKNESS_LINES
from hubs.reporting.domain.case_facts import LOCAL_TIME
from hubs.reporting.domain.sickness_csv import CsvRefused, Rejection, parse_returns
from hubs.reporting.domain.sign_off import UNPROCESSABLE
from hubs.reporting.service_layer.unit_of_work import ReportingUow
from hubs.runtime.refusals import Refused
from hubs.runtime.settings import DEFAULT_RECORDS_START


@dataclass
class ImportResult:
    """What an upload did: lines kept, lines rejected with reasons, the months' new totals."""

    import_id: uuid.UUID
    accepted: int
    rejected: list[Rejection]
    months: list[dict[str, Any]] = field(default_factory=list)


def import_sickness_absence(
    text: str, uow: ReportingUow, now: datetime, records_start: date = DEFAULT_RECORDS_START
) -> ImportResult:
    """Keep the good lines of a CSV upload and publish the new monthly totals as events.

    Refused when the file cannot be read at all; nothing is kept then."""
    try:
        accepted, rejected = parse_returns(text, now.astimezone(LOCAL_TIME).date(), records_start)
    except CsvRefused as exc:
        raise Refused("The file cannot be read.", errors=exc.errors, title=UNPROCESSABLE) from exc
    import_id = uuid.uuid4()
    result = ImportResult(import_id, len(accepted), rejected)
    SICKNESS_LINES.labels("accepted").inc(len(accepted))
    SICKNESS_LINES.labels("rejected").inc(len(rejected))
    if not accepted:
        return result
    with uow:
        uow.sickness.keep(accepted, str(import_id), now)
        totals = uow.sickness.month_totals({r.month for r in accepted})
        for month, total in sorted(totals.items()):
            uow.outbox.add(
                "SicknessAbsenceImported",
                {
                    "import_id": import_id,
                    "imported_at": now,
                    "period_type": "month",
                    "period": month,
                    "employer_count": total["employer_count"],
                    "days_lost_mental_health": total["mental_health"],
                    "days_lost_all_causes": total["all_causes"],
                },
                aggregate_id=f"month:{month}",
            )
            result.months.append(
                {
                    "month": month,
                    "employer_count": total["employer_count"],
                    "days_lost_mental_health": total["mental_health"],
                }
            )
        uow.commit()
    return result
