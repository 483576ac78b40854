"""The benchmark's results: the machine, a plain table, the JSON file."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
from pathlib import Path

import django
from django.db import connection

from growth.bench.measure import PAGES, REFERENCES

# The targets of issue 5, checked in the table's last column.
MAX_RATIO = 5.0
ADMIN_SPEEDUP = 3.0
MAX_QUERIES = 12
MAX_SWEEP_SECONDS = 30.0


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
        first = row.get("first_view", row)
        misses = []
        if row["median_ms"] > MAX_RATIO * floor:
            misses.append(f">{MAX_RATIO:g}x floor")
        if max(row["queries"], first["queries"]) > MAX_QUERIES:
            misses.append(f">{MAX_QUERIES} queries")
        if other and _queries(other["pages"][key]) != _queries(row):
            misses.append("queries differ by scale")
        if key == "admin_feedback" and default < ADMIN_SPEEDUP * row["median_ms"]:
            misses.append(f"<{ADMIN_SPEEDUP:g}x faster than default")
        verdicts[key] = "MISSED: " + ", ".join(misses) if misses else "ok"
    return verdicts


def _queries(row: dict) -> tuple[int, int | None]:
    return row["queries"], row.get("first_view", {}).get("queries")


def _line(name: str, row: dict, verdict: str = "") -> str:
    first = row.get("first_view")
    first_view = (
        f"{first['median_ms']:>9.1f}{first['queries']:>5}{first['ratio_to_floor']:>7.1f}"
        if first
        else " " * 21
    )
    return (
        f"{name:<18}{row['median_ms']:>10.1f}{row['p95_ms']:>10.1f}"
        f"{row['queries']:>9}{row['ratio_to_floor']:>9.2f}{first_view}  {verdict}"
    ).rstrip()


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
            f"{run['requests']} requests a page after {run['warmup']} warm-up; "
            f"page cache in {run.get('cache', 'files')}",
            f"{'':<56}{'first view':>21}",
            f"{'page':<18}{'median ms':>10}{'p95 ms':>10}{'queries':>9}{'x floor':>9}"
            f"{'median':>9}{'qs':>5}{'x fl':>7}  target",
            _line("floor", run["floor"]),
        ]
        verdicts = _verdicts(run, other)
        for key in PAGES:
            lines.append(_line(key, run["pages"][key], verdicts[key]))
        lines.append(_line("default_admin", run["default_admin"]))
        sweep = run["sweep"]
        sweep_ok = "ok" if sweep["seconds"] < MAX_SWEEP_SECONDS else "MISSED: >30 s"
        lines.append(
            f"sweep: {sweep['seconds']:.2f} s, {sweep['queries']} queries "
            f"({_verbs(sweep)}), {sweep['emails']:,} emails delivered in-process "
            f"to locmem (+{sweep['delivery_queries']:,} delivery queries, "
            f"{sweep['delivery_seconds']:.2f} s of the total)  {sweep_ok}"
        )
    if len(runs) == 2:
        big, small = runs
        lines += ["", _growth(big, small)]
    return "\n".join(lines)


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
    firsts = [
        f"{key} x{first_big['median_ms'] / first_small['median_ms']:.1f}"
        for key in PAGES
        if (first_big := big["pages"][key].get("first_view"))
        and (first_small := small["pages"][key].get("first_view"))
    ]
    return (
        f"From scale {small['scale']:g} to {big['scale']:g} the data grows x{data:.0f}; "
        "the median time grows: "
        + ", ".join(parts)
        + ("; a first view's: " + ", ".join(firsts) if firsts else "")
        + "."
    )


def write(results: dict, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    database = results["runs"][0]["database"]
    path = directory / f"bench-{database}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path
