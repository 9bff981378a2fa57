"""What a hub costs to keep running: resident memory and idle CPU of `make run`'s hub, in the
scaled profile (a process per service and role) and the compact one (`hubs-hub all`).

    python -m tests.perf.footprint [--profiles scaled,compact] [--settle 45] [--window 30]

For each profile it starts `infra/run/run.sh start` with HUBS_PROFILE set, on ports of its own
(--port-base) and a var directory of its own, against KAFKA_BOOTSTRAP_SERVERS when it is set
(else run.sh starts a broker), lets the demo data flow for --settle seconds, pauses the demo
feed (SIGSTOP) so that the hub is idle with its demo data, and measures over --window seconds:

  rss_mib / pss_mib  resident memory summed over the hub's processes (/proc/PID/status VmRSS;
                     PSS from /proc/PID/smaps_rollup shares pages between forked processes)
  cpu_percent        CPU time of the hub's processes over the window, as % of one core

"The hub" is its five services' processes (hubs-referral, ... or hubs-hub); the national
service, the portal, the demo feed and honcho's shells are shown apart and not added in.
Figures are printed and written to var/bench/footprint.json; then the profile is stopped.
Needs Linux's /proc (psutil is used when installed)."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN_SH = ROOT / "infra" / "run" / "run.sh"
OUT = ROOT / "var" / "bench" / "footprint.json"
HUB_COMMANDS = ("hubs-referral", "hubs-assessment", "hubs-care-coordination", "hubs-outreach", "hubs-reporting")
TICKS = os.sysconf("SC_CLK_TCK")
PORT_NAMES = ("PORTAL_PORT", "REFERRAL_PORT", "ASSESSMENT_PORT", "CARE_PORT", "OUTREACH_PORT", "REPORTING_PORT",
              "NATIONAL_PORT")  # fmt: skip


def _read(path: str) -> str:
    try:
        with open(path, "rb") as file:
            return file.read().decode(errors="replace")
    except OSError:
        return ""


def children_of(root: int) -> list[int]:
    """Every process below `root` (not `root` itself)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _read(f"/proc/{entry}/stat")
            if stat:
                ppid = int(stat.rpartition(")")[2].split()[1])
                parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def role_of(pid: int) -> str:
    """hub, national, portal, demo-data or harness (honcho's shells, sleep)."""
    argv = _read(f"/proc/{pid}/cmdline").split("\0")
    command = " ".join(argv)
    if "python" not in argv[0]:
        return "harness"  # honcho's shells, sleep
    if "hubs-loadgen" in command:
        return "demo-data"
    if "hubs-portal" in command:
        return "portal"
    if "hubs-hub" in command:
        return "hub"
    if any(name in command for name in HUB_COMMANDS):
        national = "HUBS_REPORTING_MODE=national" in _read(f"/proc/{pid}/environ").split("\0")
        return "national" if national else "hub"
    return "harness"


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in KiB; 0 for one that has gone."""
    rss = next((int(line.split()[1]) for line in _read(f"/proc/{pid}/status").splitlines()
                if line.startswith("VmRSS:")), 0)  # fmt: skip
    pss = next((int(line.split()[1]) for line in _read(f"/proc/{pid}/smaps_rollup").splitlines()
                if line.startswith("Pss:")), rss)  # fmt: skip
    return rss, pss


def cpu_ticks(pid: int) -> int:
    stat = _read(f"/proc/{pid}/stat")
    if not stat:
        return 0
    fields = stat.rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def _free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind: TIME_WAIT is no matter
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _hub_id(var: Path) -> str:
    # A hub id is lower-case letters, digits and dashes (the national registry refuses others);
    # a temporary directory's name may hold "_" or upper case.
    return "footprint-" + re.sub(r"[^a-z0-9]", "-", var.name[-8:].lower())


def environment(profile: str, var: Path, base: int) -> dict[str, str]:
    # SQLite files in `var` as `make run` keeps them; a hub id of its own, so topics are its own.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_SCHEMA", "NATIONAL_DATABASE_URL")}
    env |= {"HUBS_PROFILE": profile, "HUBS_VAR_DIR": str(var), "HUBS_HUB_ID": _hub_id(var)}
    ports = {name: base + n for n, name in enumerate(PORT_NAMES)}
    env |= {name: str(port) for name, port in ports.items()}
    env["HUB_METRICS_PORT"] = str(base + 1099)
    env["KAFKA_PORT"], env["KAFKA_CONTROLLER_PORT"] = str(base + 90), str(base + 91)
    wanted = [*ports.values(), base + 1099, base + 90, base + 91]
    wanted += [port + offset for port in ports.values() for offset in (1100, 1200, 1300)]
    busy = [port for port in wanted if not _free(port)]
    if busy:
        raise SystemExit(f"ports in use: {busy}; choose another --port-base")
    return env


def measure(profile: str, settle: float, window: float, base: int) -> dict:
    var = Path(tempfile.mkdtemp(prefix=f"hubs-footprint-{profile}-"))
    env = environment(profile, var, base)
    run = lambda command: subprocess.run(  # noqa: E731
        ["bash", str(RUN_SH), command], env=env, cwd=ROOT, check=True, capture_output=True, text=True, timeout=300
    )
    run("start")
    try:
        honcho = int((var / "run" / "honcho.pid").read_text())
        time.sleep(settle)
        referrals = _count_referrals(env)
        processes = {pid: role_of(pid) for pid in children_of(honcho)}
        feed = [pid for pid, role in processes.items() if role == "demo-data"]
        for pid in feed:
            os.kill(pid, signal.SIGSTOP)  # the hub idle, with its demo data
        try:
            time.sleep(2)
            before = {pid: cpu_ticks(pid) for pid in processes}
            began = time.monotonic()
            time.sleep(window)
            elapsed = time.monotonic() - began
            after = {pid: cpu_ticks(pid) for pid in processes}
            memory = {pid: memory_kib(pid) for pid in processes}
        finally:
            for pid in feed:
                os.kill(pid, signal.SIGCONT)
        roles: dict[str, dict] = {}
        for pid, role in processes.items():
            figures = roles.setdefault(role, {"processes": 0, "rss_mib": 0.0, "pss_mib": 0.0, "cpu_percent": 0.0})
            if not memory[pid][0]:
                continue
            figures["processes"] += 1
            figures["rss_mib"] += memory[pid][0] / 1024
            figures["pss_mib"] += memory[pid][1] / 1024
            figures["cpu_percent"] += 100 * (after[pid] - before[pid]) / TICKS / elapsed
        for figures in roles.values():
            for key in ("rss_mib", "pss_mib", "cpu_percent"):
                figures[key] = round(figures[key], 1 if key != "cpu_percent" else 2)
        return {"profile": profile, "settle_seconds": settle, "window_seconds": round(elapsed, 1),
                "demo_referrals_before_window": referrals, "hub": roles.get("hub"), "by_role": roles}  # fmt: skip
    finally:
        run("stop")
        shutil.rmtree(var, ignore_errors=True)  # its keys, SQLite files and logs: the figures are kept


def _count_referrals(env: dict[str, str]) -> int | None:
    """How many referrals the demo feed had made (the hub's self-referral count), or None."""
    try:
        token = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "hubs-dev-token"), "--hub", env["HUBS_HUB_ID"], "--role", "hub-lead"],
            env={**env, "HUBS_DEV_ISSUER_KEY_FILE": str(Path(env["HUBS_VAR_DIR"]) / "dev-issuer-key.pem")},
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        request = urllib.request.Request(
            f"http://127.0.0.1:{env['REPORTING_PORT']}/v1/dataset", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - our own API on loopback
            figures = json.load(answer)["figures"]
        return sum(v for k, v in figures.items() if k in ("self_referrals", "referrals_from_other_sources"))
    except Exception:
        return None


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.footprint", description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", default="scaled,compact")
    parser.add_argument("--settle", type=float, default=45.0, help="seconds of demo data before measuring")
    parser.add_argument("--window", type=float, default=30.0, help="seconds the idle CPU is measured over")
    parser.add_argument("--port-base", type=int, default=18000)
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    results = {"machine": {"cpus": os.cpu_count()}, "profiles": {}}
    for profile in args.profiles.split(","):
        found = measure(profile, args.settle, args.window, args.port_base)
        results["profiles"][profile] = found
        hub = found["hub"] or {}
        print(
            f"{profile:8} hub: {hub.get('processes')} processes, RSS {hub.get('rss_mib')} MiB, "
            f"PSS {hub.get('pss_mib')} MiB, idle CPU {hub.get('cpu_percent')}% of one core"
        )
        for role, figures in sorted(found["by_role"].items()):
            if role != "hub":
                print(f"{'':8} {role}: {figures}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out}")
    return results


if __name__ == "__main__":
    main()
