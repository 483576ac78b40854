"""The benchmark command, at a tiny scale: its report, and that it keeps to its
own database."""

import io
import json

import pytest
from django.core.management import call_command

from accounts.models import User
from growth.bench import database
from growth.bench.measure import PAGES, p95, sweep_moment
from growth.models import Engineer, FeedbackNote, Goal, Notification, Reminder

pytestmark = pytest.mark.django_db

ROW = {"median_ms", "p95_ms", "queries", "ratio_to_floor", "split_ms"}
SPLIT = {"sql", "render", "other"}
MODELS = (User, Engineer, FeedbackNote, Goal, Notification, Reminder)


def run_bench(tmp_path, *args, requests="3") -> tuple[dict, str]:
    out = io.StringIO()
    call_command(
        "bench",
        "--scale", "0.01", "--requests", requests, "--output", str(tmp_path),
        "--no-http", *args,
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    vendor = "postgresql" if "postgres" in args else "sqlite"
    results = json.loads((tmp_path / f"bench-{vendor}.json").read_text())
    return results, out.getvalue()


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_it_reports_both_scales_and_leaves_the_users_database_alone(cast, tmp_path):
    before = counts()

    results, text = run_bench(tmp_path, "--database", "sqlite")

    assert counts() == before
    assert before["Engineer"] == 8  # the cast is still there, and nothing more
    assert set(results) == {"machine", "runs"}
    assert results["machine"]["cpus"] >= 1
    big, small = results["runs"]
    assert (big["scale"], small["scale"]) == (0.01, 0.001)
    for run in results["runs"]:
        assert run["database"] == "sqlite"
        assert set(run["pages"]) == set(PAGES)
        assert "http" not in run  # --no-http
        assert "cache" not in run  # every page is built fresh
        for row in [run["floor"], run["default_admin"], *run["pages"].values()]:
            assert set(row) == ROW
            assert row["median_ms"] > 0
            assert row["p95_ms"] >= row["median_ms"]
            split = row["split_ms"]
            assert set(split) == SPLIT
            # Every page reads the session and renders a template.
            assert split["sql"] > 0
            assert split["render"] > 0
            assert split["other"] >= 0
            parts = split["sql"] + split["render"] + split["other"]
            assert parts == pytest.approx(row["median_ms"], rel=0.1, abs=0.05)
        assert run["floor"]["ratio_to_floor"] == 1
        for page in run["pages"].values():
            assert page["queries"] <= 12
        assert set(run["sweep"]) >= {"seconds", "queries", "emails"}
        assert run["sweep"]["emails"] > 0
    assert big["sizes"]["notes"] == 10 * small["sizes"]["notes"]
    for page in PAGES:
        assert big["pages"][page]["queries"] == small["pages"][page]["queries"], page
    assert "sql" in text and "render" in text
    assert "first view" not in text
    for name in (*PAGES, "floor", "default_admin", "sweep"):
        assert name in text
    assert "HTTP" not in text
    # Without --keep the bench databases are gone afterwards.
    assert not list(tmp_path.glob("*.sqlite3"))


def test_it_reuses_a_kept_database(db, tmp_path):
    quick = ("--database", "sqlite", "--keep", "--warmup", "1")
    first, _ = run_bench(tmp_path, *quick, requests="1")
    again, text = run_bench(tmp_path, *quick, requests="1")

    assert first["runs"][0]["seed_seconds"] is not None
    assert again["runs"][0]["seed_seconds"] is None
    assert "reused (--keep)" in text
    # The sweep left nothing behind: the second run found the same work.
    assert again["runs"][0]["sweep"]["emails"] == first["runs"][0]["sweep"]["emails"]
    assert len(list(tmp_path.glob("*.sqlite3"))) == 2


@pytest.mark.service("postgres")
def test_it_runs_in_a_postgresql_database_of_its_own(db, tmp_path):
    before = counts()

    results, _ = run_bench(tmp_path, "--database", "postgres")

    assert counts() == before
    assert [run["database"] for run in results["runs"]] == ["postgresql"] * 2
    big, small = results["runs"]
    for page in PAGES:
        assert big["pages"][page]["queries"] == small["pages"][page]["queries"], page


def test_the_bench_database_is_never_the_configured_one(settings, tmp_path):
    settings.DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cultivate"

    db = database.bench_database(vendor="postgresql", scale=1.0, directory=tmp_path)
    sqlite = database.bench_database(vendor="sqlite", scale=0.1, directory=tmp_path)

    assert db.name == "cultivate_bench_x1"
    assert db.url == "postgres://postgres@127.0.0.1:5432/cultivate_bench_x1"
    assert sqlite.name == str(tmp_path / "bench-x0_1.sqlite3")
    assert sqlite.url == f"sqlite:///{tmp_path}/bench-x0_1.sqlite3"


def test_p95_is_a_measured_value():
    assert p95([5.0, 1.0, 2.0, 3.0, 4.0]) == 5.0
    assert p95([float(n) for n in range(1, 101)]) == 95.0


def test_the_sweep_runs_on_the_next_wednesday_afternoon():
    import datetime

    tuesday = datetime.datetime(2026, 11, 24, 23, tzinfo=datetime.UTC)
    wednesday = datetime.datetime(2026, 11, 25, 15, tzinfo=datetime.UTC)

    assert sweep_moment(tuesday).isoformat() == "2026-11-25T14:00:00+00:00"
    assert sweep_moment(wednesday).isoformat() == "2026-12-02T14:00:00+00:00"
