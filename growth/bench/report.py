"""The benchmark's results: the machine, a plain table, the JSON file."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
from pathlib import Path

import django
from django.db import connection

from growth.bench.http import HTTP_PAGES
from growth.bench.measure import PAGES, REFERENCES

# The targets of issue 11, checked in the tables' last column.
MAX_RATIO = 10.0
AIM_RATIO = 5.0  # what a page should come to; the target is the most it may take
ADMIN_SPEEDUP = 3.0
MAX_QUERIES = 12
MAX_SWEEP_SECONDS = 30.0
PLURALS = {
    "engineer": "engineers",
    "manager": "managers",
    "mentor": "mentors",
    "coach": "coaches",
}


def _proc(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def machine() -> dict:
    """What the figures were measured on."""
    memory = _proc("/proc/meminfo", "MemTotal")
    info = {
        "system": platform.platform(),
        "cpu": _proc("/proc/cpuinfo", "model name") or platform.processor(),
        "cpus": os.cpu_count(),
        "memory_gb": round(int(memory.split()[0]) / 1024**2, 1) if memory else None,
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        # Other work on the machine slows every figure alike; say how much there was.
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    return info


def database_version() -> str:
    if connection.vendor == "postgresql":
        major, rest = divmod(connection.pg_version, 10000)
        return f"PostgreSQL {major}.{rest % 100}"
    return f"SQLite {sqlite3.sqlite_version}"


def _verdicts(run: dict, other: dict | None) -> dict[str, str]:
    floor = run["floor"]["median_ms"]
    default = run["default_admin"]["median_ms"]
    verdicts = {}
    for key in PAGES:
        row = run["pages"][key]
        misses = []
        if row["median_ms"] > MAX_RATIO * floor:
            misses.append(f">{MAX_RATIO:g}x floor")
        if row["queries"] > MAX_QUERIES:
            misses.append(f">{MAX_QUERIES} queries")
        if other and other["pages"][key]["queries"] != row["queries"]:
            misses.append("queries differ by scale")
        if key == "admin_feedback" and default < ADMIN_SPEEDUP * row["median_ms"]:
            misses.append(f"<{ADMIN_SPEEDUP:g}x faster than default")
        if misses:
            verdicts[key] = "MISSED: " + ", ".join(misses)
        elif row["median_ms"] <= AIM_RATIO * floor:
            verdicts[key] = f"ok, within the {AIM_RATIO:g}x aim"
        else:
            verdicts[key] = f"ok, above the {AIM_RATIO:g}x aim"
    return verdicts


def _line(name: str, row: dict, verdict: str = "") -> str:
    split = row["split_ms"]
    return (
        f"{name:<18}{row['median_ms']:>10.1f}{row['p95_ms']:>10.1f}"
        f"{row['queries']:>9}{row['ratio_to_floor']:>9.2f}"
        f"{split['sql']:>8.1f}{split['render']:>8.1f}{split['other']:>8.1f}  {verdict}"
    ).rstrip()


def _sweep_verdict(sweep: dict, other: dict | None) -> str:
    misses = []
    if sweep["seconds"] >= MAX_SWEEP_SECONDS:
        misses.append(f">{MAX_SWEEP_SECONDS:g} s")
    if other and _sweep_reads(other["sweep"]) != _sweep_reads(sweep):
        misses.append("queries (INSERT aside) differ by scale")
    return "MISSED: " + ", ".join(misses) if misses else "ok"


def _sweep_reads(sweep: dict) -> dict[str, int]:
    """The sweep's queries by verb, INSERTs aside: those come in chunks of rows,
    more of them as there are more reminders to record."""
    return {
        verb: n
        for verb, n in sweep["sweep_queries_by_verb"].items()
        if verb != "INSERT"
    }


def table(results: dict) -> str:
    """The results as a plain-text table, one block per scale."""
    m = results["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cpus']} CPUs, {m['memory_gb']} GB; {m['system']}; "
        f"Python {m['python']}, Django {m['django']}; "
        f"load average {m['load_average_1min']} at the start",
    ]
    runs = results["runs"]
    for index, run in enumerate(runs):
        other = runs[1 - index] if len(runs) == 2 else None
        sizes = run["sizes"]
        seeded = (
            f"seeded in {run['seed_seconds']:.1f} s"
            if run["seed_seconds"] is not None
            else "reused (--keep)"
        )
        lines += [
            "",
            f"Scale {run['scale']:g} on {run['database_version']}: "
            f"{sizes['engineers']:,} engineers, {sizes['notes']:,} feedback notes, "
            f"{sizes['goals']:,} goals; {seeded}; "
            f"{run['requests']} requests a page after {run['warmup']} warm-up, "
            "each built fresh",
            f"{'':<56}{'median split, ms':>24}",
            f"{'page':<18}{'median ms':>10}{'p95 ms':>10}{'queries':>9}{'x floor':>9}"
            f"{'sql':>8}{'render':>8}{'other':>8}  "
            f"target (<={MAX_RATIO:g}x floor, <={MAX_QUERIES} queries)",
            _line("floor", run["floor"]),
        ]
        verdicts = _verdicts(run, other)
        for key in PAGES:
            lines.append(_line(key, run["pages"][key], verdicts[key]))
        lines.append(_line("default_admin", run["default_admin"]))
        sweep = run["sweep"]
        lines.append(
            f"sweep: {sweep['seconds']:.2f} s, {sweep['queries']} queries "
            f"({_verbs(sweep)}), {sweep['emails']:,} emails delivered in-process "
            f"to locmem (+{sweep['delivery_queries']:,} delivery queries, "
            f"{sweep['delivery_seconds']:.2f} s of the total)  "
            f"{_sweep_verdict(sweep, other)}"
        )
        if "insight_count" in run:
            counted = run["insight_count"]
            lines.append(
                f"insight counted afresh: {counted['seconds']:.2f} s, "
                f"{counted['queries']} queries, {counted['rows']:,} rows kept"
            )
        if "http" in run:
            lines += ["", *http_table(run["http"], scale=run["scale"])]
    if len(runs) == 2:
        big, small = runs
        lines += ["", _growth(big, small)]
    return "\n".join(lines)


def _people(roles: dict[str, int]) -> str:
    """``1 coach, 5 managers``: how many people of each role."""
    return ", ".join(
        f"{n} {role if n == 1 else PLURALS.get(role, role)}"
        for role, n in roles.items()
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def http_table(load: dict, *, scale: float) -> list[str]:
    """The HTTP run's lines: its totals, then a row a page, the floor first."""
    verdict = "ok" if load["errors"] == 0 else f"MISSED: {load['errors']} errors"
    think = load.get("think_seconds")
    apart = f", {think:g} s apart" if think else ", one page after another"
    lines = [
        f"HTTP: gunicorn ({load.get('workers', 2)} workers) on the scale-{scale:g} "
        f"database, {load['users']} people ({_people(load['roles'])}) for "
        f"{load['seconds']:g} s{apart}: {load['requests']:,} requests, "
        f"{load['rps']:g} pages a second, {load['errors']} errors  {verdict}",
        f"{'page':<18}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}"
        f"{'requests':>10}{'errors':>8}",
    ]
    known = [name for name in HTTP_PAGES if name in load["pages"]]
    others = sorted(set(load["pages"]) - set(known))
    for name in [*known, *others]:
        row = load["pages"][name]
        lines.append(
            f"{name:<18}{_ms(row['p50_ms']):>10}{_ms(row['p95_ms']):>10}"
            f"{_ms(row['p99_ms']):>10}{row['requests']:>10,}{row['errors']:>8}"
        )
    for failure in load.get("failures", []):
        lines.append(
            f"  error on {failure['page']}: {failure['error']} "
            f"(x{failure['occurrences']})"
        )
    return lines


def _verbs(sweep: dict) -> str:
    return ", ".join(
        f"{n} {verb}" for verb, n in sweep["sweep_queries_by_verb"].items()
    )


def _growth(big: dict, small: dict) -> str:
    data = big["sizes"]["notes"] / small["sizes"]["notes"]
    parts = []
    for key in (*REFERENCES[:1], *PAGES, *REFERENCES[1:]):
        row_big = big["pages"].get(key) or big[key]
        row_small = small["pages"].get(key) or small[key]
        parts.append(f"{key} x{row_big['median_ms'] / row_small['median_ms']:.1f}")
    return (
        f"From scale {small['scale']:g} to {big['scale']:g} the data grows x{data:.0f}; "
        "the median time grows: " + ", ".join(parts) + "."
    )


def write(results: dict, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    database = results["runs"][0]["database"]
    path = directory / f"bench-{database}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path
