"""Employers' returns of sickness absence for mental health reasons (data item 14), uploaded
as CSV and checked line by line: good lines are kept, each bad line is reported with why."""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date

REQUIRED_COLUMNS = ("employer", "month", "mental_health_days_lost")
OPTIONAL_COLUMNS = ("all_causes_days_lost",)
MAX_LINES = 10_000
MAX_EMPLOYER_CHARS = 200
# More days than 100,000 in a month from one employer is a typing error, not a return.
MAX_DAYS = 100_000


class CsvRefused(ValueError):
    """The file as a whole cannot be read (no header, missing columns, too long)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("the file cannot be read")
        self.errors = errors


@dataclass(frozen=True)
class SicknessReturn:
    """One employer's mental-health sickness days lost in one month."""

    employer: str
    month: str  # YYYY-MM
    days_lost_mental_health: float
    days_lost_all_causes: float | None = None


@dataclass
class Rejection:
    """A line that was not imported, with a message per column."""

    line: int
    errors: dict[str, list[str]] = field(default_factory=dict)


def _days(raw: str, errors: list[str]) -> float | None:
    # Digits and one decimal point only: float() would also take "1e3", "1_000", "inf" or other scripts' digits.
    if not re.fullmatch(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)", raw):
        errors.append("must be a number of days, e.g. 12.5")
        return None
    value = float(raw)
    if not math.isfinite(value) or value < 0:
        errors.append("must be zero or more")
    elif value > MAX_DAYS:
        errors.append(f"must be at most {MAX_DAYS}")
    else:
        return value
    return None


def _month(raw: str, today: date, records_start: date, errors: list[str]) -> str | None:
    # A four-digit year from 1000 (never "0000-11"), a month from 01 to 12, ASCII digits only.
    if not re.fullmatch(r"[1-9][0-9]{3}-(0[1-9]|1[0-2])", raw):
        errors.append("must be a month written YYYY-MM, e.g. 2026-10")
        return None
    if raw > f"{today.year:04d}-{today.month:02d}":
        errors.append("must not be in the future")
        return None
    earliest = f"{records_start.year:04d}-{records_start.month:02d}"
    if raw < earliest:
        errors.append(f"must not be before {earliest} (the first month of this hub's records)")
        return None
    return raw


def _line(row: dict[str, str], today: date, records_start: date) -> tuple[SicknessReturn | None, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    employer = " ".join((row.get("employer") or "").split())
    if not employer:
        errors.setdefault("employer", []).append("is required")
    elif len(employer) > MAX_EMPLOYER_CHARS:
        errors.setdefault("employer", []).append(f"must be at most {MAX_EMPLOYER_CHARS} characters")
    month = _month((row.get("month") or "").strip(), today, records_start, errors.setdefault("month", []))
    days = _days((row.get("mental_health_days_lost") or "").strip(), errors.setdefault("mental_health_days_lost", []))
    all_causes_raw = (row.get("all_causes_days_lost") or "").strip()
    all_causes = None
    if all_causes_raw:
        all_causes = _days(all_causes_raw, errors.setdefault("all_causes_days_lost", []))
        if all_causes is not None and days is not None and all_causes < days:
            errors["all_causes_days_lost"].append("must not be less than the mental health days lost")
    errors = {k: v for k, v in errors.items() if v}
    if errors or month is None or days is None:
        return None, errors
    return SicknessReturn(employer, month, days, all_causes), {}


def parse_returns(text: str, today: date, records_start: date) -> tuple[list[SicknessReturn], list[Rejection]]:
    """The good returns of a CSV file and the lines rejected, with reasons: a month from the
    month of the hub's records start (`records_start`) to this month."""
    # newline="": the csv module finds the lines itself, so a bare carriage return is a line end
    # (as a spreadsheet saved on an old Mac writes it), not a broken field.
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        return _read(reader, today, records_start)
    except csv.Error as exc:  # what the csv module cannot split into fields at all
        # The line being read when it failed: those before it were read whole.
        raise CsvRefused({"file": [f"line {reader.line_num + 1} cannot be read as CSV: {exc}"]}) from exc


def _read(reader: csv.DictReader, today: date, records_start: date) -> tuple[list[SicknessReturn], list[Rejection]]:
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CsvRefused({"header": [f"the first line must name the columns; missing: {', '.join(missing)}"]})
    reader.fieldnames = header
    accepted: list[SicknessReturn] = []
    rejected: list[Rejection] = []
    seen: dict[tuple[str, str], int] = {}
    for row in reader:
        line = reader.line_num
        if line > MAX_LINES + 1:
            raise CsvRefused({"file": [f"at most {MAX_LINES} lines may be uploaded at once"]})
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # a blank line
        if None in row:
            rejected.append(Rejection(line, {"line": ["has more values than the header has columns"]}))
            continue
        good, errors = _line(row, today, records_start)
        if good is None:
            rejected.append(Rejection(line, errors))
            continue
        key = (good.employer.casefold(), good.month)
        if key in seen:
            rejected.append(Rejection(line, {"employer": [f"repeats line {seen[key]} for the same month"]}))
            continue
        seen[key] = line
        accepted.append(good)
    return accepted, rejected
