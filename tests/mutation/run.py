"""`make mutation`: how many deliberate faults in each service's domain and service layer its fast
unit tests catch. Drives mutmut per service in a scratch copy of its own (under --workdir), so the
source tree is never rewritten, runs only services/<service>/tests/unit (no Kafka, no PostgreSQL),
prints a table and writes JSON (default var/mutation/results.json).

    python -m tests.mutation.run [--only referral,outreach] [--packages domain] [--jobs 2]
                                 [--out var/mutation/results.json]

A mutant is killed when a unit test fails with it, survives when every test still passes, and has
"no tests" when no unit test runs its function at all. The score is mutmut's own:
(killed + timeout) / (all mutants - skipped).
"""

from __future__ import annotations

import argparse
import configparser
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

# What is mutated in each service: its rules (domain) and its use cases (service_layer).
# The portal is a client of the services: only its domain (form rules, figures) is mutated.
TARGETS: dict[str, tuple[str, ...]] = {
    "referral": ("domain", "service_layer"),
    "assessment": ("domain", "service_layer"),
    "care_coordination": ("domain", "service_layer"),
    "outreach": ("domain", "service_layer"),
    "reporting": ("domain", "service_layer"),
    "portal": ("domain",),
}
STATUSES = ("killed", "survived", "timeout", "no tests", "skipped", "suspicious", "other")
# Two cores are shared by everyone on the machine: never run more than two mutants at once.
MAX_JOBS = 2


def _pytest_ini() -> str:
    """The repository's pytest settings (warnings are errors, markers), for the scratch copy."""
    options = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    ini = configparser.ConfigParser(interpolation=None)
    ini["pytest"] = {
        "addopts": options.get("addopts", ""),
        "filterwarnings": "\n" + "\n".join(options.get("filterwarnings", [])),
        "markers": "\n" + "\n".join(options.get("markers", [])),
    }
    out = io.StringIO()
    ini.write(out)
    return out.getvalue()


def _mutmut_cfg(service: str, packages: tuple[str, ...]) -> str:
    lines = [
        "[mutmut]",
        "source_paths = src",
        "only_mutate =",
        *(f"    src/hubs/{service}/{package}/*" for package in packages),
        "pytest_add_cli_args_test_selection = tests/unit",
        "pytest_add_cli_args =",
        "    -p",
        "    no:cacheprovider",
        "also_copy =",
        "    conftest.py",
        "    pytest.ini",
        # the scratch copy is not a git checkout
        "use_git_change_detection = false",
        "",
    ]
    return "\n".join(lines)


def prepare(service: str, work: Path, packages: tuple[str, ...]) -> None:
    """A fresh scratch copy: the service's package, its unit tests and the repository's conftest."""
    shutil.rmtree(work, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    src = REPO / "services" / service / "src" / "hubs" / service
    shutil.copytree(src, work / "src" / "hubs" / service, ignore=ignore)
    shutil.copytree(REPO / "services" / service / "tests" / "unit", work / "tests" / "unit", ignore=ignore)
    shutil.copy2(REPO / "conftest.py", work / "conftest.py")
    (work / "pytest.ini").write_text(_pytest_ini())
    (work / "setup.cfg").write_text(_mutmut_cfg(service, packages))


def _status(exit_code: int | None) -> str:
    from mutmut.stats import status_by_exit_code

    status = status_by_exit_code[exit_code]
    return status if status in STATUSES else "other"


def _score(counts: Counter) -> float | None:
    tested = sum(counts.values()) - counts["skipped"]
    return round(100 * (counts["killed"] + counts["timeout"]) / tested, 1) if tested else None


def collect(service: str, work: Path, mutated: tuple[str, ...]) -> dict:
    """Counts per package and per module from mutmut's .meta files, and the surviving mutants."""
    root = work / "mutants" / "src" / "hubs" / service
    packages: dict[str, Counter] = {p: Counter() for p in mutated}
    modules: dict[str, Counter] = {}
    survivors: list[str] = []
    for meta in sorted(root.rglob("*.py.meta")):
        package = meta.relative_to(root).parts[0]
        if package not in packages:
            continue
        module = ".".join(meta.relative_to(root).with_suffix("").with_suffix("").parts)
        exit_codes = json.loads(meta.read_text())["exit_code_by_key"]
        for key, code in exit_codes.items():
            status = _status(code)
            packages[package][status] += 1
            modules.setdefault(module, Counter())[status] += 1
            if status in ("survived", "no tests"):
                survivors.append(f"{key}: {status}")
    return {
        "packages": {p: {**{s: c[s] for s in STATUSES}, "score": _score(c)} for p, c in packages.items()},
        "modules": {m: {**{s: c[s] for s in STATUSES}, "score": _score(c)} for m, c in sorted(modules.items())},
        "survivors": survivors,
    }


def run_service(service: str, workdir: Path, jobs: int, wanted: set[str]) -> dict:
    work = workdir / service
    packages = tuple(p for p in TARGETS[service] if p in wanted)
    prepare(service, work, packages)
    started = time.monotonic()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    log = work / "mutmut.log"
    with log.open("w") as out:
        finished = subprocess.run(
            [str(VENV_BIN / "mutmut"), "run", "--max-children", str(jobs)],
            cwd=work,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = round(time.monotonic() - started, 1)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    if finished.returncode != 0:
        return {"error": f"mutmut exited {finished.returncode}, see {log}", "seconds": seconds, "finished_at": when}
    return {**collect(service, work, packages), "seconds": seconds, "finished_at": when}


def table(results: dict) -> str:
    head = f"{'service':<18} {'package':<14} {'killed':>6} {'survived':>8} {'timeout':>7} {'no tests':>8} {'score':>6}"
    rows = [head, "-" * len(head)]
    for service, result in results["services"].items():
        if "error" in result:
            rows.append(f"{service:<18} {result['error']}")
            continue
        for package, c in result["packages"].items():
            score = "-" if c["score"] is None else f"{c['score']:.1f}%"
            rows.append(
                f"{service:<18} {package:<14} {c['killed']:>6} {c['survived']:>8} {c['timeout']:>7} "
                f"{c['no tests']:>8} {score:>6}"
            )
    total = sum(r.get("seconds", 0) for r in results["services"].values())
    rows.append(f"this run: {results['seconds']:.0f} s; every service's last run: {total:.0f} s")
    rows.append(f"{results['tool']}, {results['jobs']} mutants at a time")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated services (default: all)")
    parser.add_argument("--packages", default="domain,service_layer", help="which packages to mutate")
    parser.add_argument("--jobs", type=int, default=MAX_JOBS, help=f"mutants at a time (at most {MAX_JOBS})")
    parser.add_argument("--out", default="var/mutation/results.json")
    parser.add_argument("--workdir", default="var/mutation/work")
    args = parser.parse_args(argv)
    services = args.only.split(",") if args.only else list(TARGETS)
    unknown = set(services) - set(TARGETS)
    if unknown:
        parser.error(f"unknown services: {', '.join(sorted(unknown))}")
    jobs = max(1, min(args.jobs, MAX_JOBS))
    out = REPO / args.out
    workdir = REPO / args.workdir
    results: dict = {
        "started_at": datetime.now(UTC).isoformat(),
        "tool": f"mutmut {_mutmut_version()}",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "jobs": jobs,
        "services": {},
    }
    if args.only and out.exists():
        # A partial run updates its services and keeps the others' last results.
        previous = json.loads(out.read_text()).get("services", {})
        results["services"] = {s: r for s, r in previous.items() if s in TARGETS}
    started = time.monotonic()
    for service in services:
        print(f"mutating {service} ...", flush=True)
        result = run_service(service, workdir, jobs, set(args.packages.split(",")))
        results["services"][service] = result
        print(f"  {service}: {result['seconds']:.0f} s", flush=True)
    results["seconds"] = round(time.monotonic() - started, 1)
    results["services"] = {s: results["services"][s] for s in TARGETS if s in results["services"]}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    text = table(results)
    out.with_suffix(".txt").write_text(text + "\n")
    print(text)
    print(f"written to {out.relative_to(REPO)} and {out.with_suffix('.txt').relative_to(REPO)}")
    return 1 if any("error" in r for r in results["services"].values()) else 0


def _mutmut_version() -> str:
    from importlib.metadata import version

    return version("mutmut")


if __name__ == "__main__":
    sys.exit(main())
