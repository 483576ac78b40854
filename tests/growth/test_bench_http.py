"""The bench's HTTP run without running it: who signs in, which pages they go
through, and how locust's CSV becomes the figures and the table. (The run itself
needs gunicorn, locust and half a minute; ``make bench`` does it.)"""

import importlib.util

import pytest
from django.core.management import CommandError, call_command

from growth.bench import database, http, report, seed

# What locust 2.x writes to *_stats.csv and *_failures.csv, cut down: a page with
# a failed request, one never measured, the sign-ins and the floor.
STATS_CSV = """\
Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,feedback_list,40,1,95,120.5,30.1,810.2,20000.0,1.3,0.03,95,110,130,150,300,690,800,810,810,810,810
GET,floor,30,0,13,40.2,3.1,690.0,120.0,1.0,0.0,13,15,17,20,80,550,680,690,690,690,690
GET,coaching,0,0,0,0.0,0,0,0.0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A
POST,sign_in,20,0,5300,5200.1,900.3,8500.7,0.0,0.6,0.0,5300,6000,7000,7000,8000,8500,8500,8500,8500,8500,8500
GET,sign_in_form,20,0,210,230.0,13.2,410.5,2362.0,0.6,0.0,210,250,300,300,400,410,410,410,410,410,410
,Aggregated,110,1,95,1000.0,3.1,8500.7,5000.0,3.5,0.03,95,130,210,300,5300,6000,8500,8500,8500,8500,8500
"""
FAILURES_CSV = """\
Method,Name,Error,Occurrences,First Seen,Last Seen
GET,feedback_list,CatchResponseError('answered 500'),1,2026-12-06T05:13:48Z,2026-12-06T05:13:48Z
"""


def figures(**overrides) -> dict:
    load = http.summary(
        STATS_CSV,
        FAILURES_CSV,
        seconds=10,
        users=20,
        roles={"coach": 1, "manager": 5, "mentor": 5, "engineer": 9},
    )
    return {**load, **overrides}


def test_it_reads_each_pages_percentiles_and_errors():
    load = figures()

    assert load["pages"]["floor"] == {
        "p50_ms": 13.0,
        "p95_ms": 550.0,
        "p99_ms": 690.0,
        "requests": 30,
        "errors": 0,
    }
    assert load["pages"]["feedback_list"]["errors"] == 1
    assert load["pages"]["feedback_list"]["p95_ms"] == 690.0
    # Nothing measured: no figure rather than a made-up 0.
    assert load["pages"]["coaching"]["p50_ms"] is None
    assert "Aggregated" not in load["pages"]


def test_it_counts_every_request_but_only_the_pages_per_second():
    load = figures()

    assert (load["seconds"], load["users"]) == (10, 20)
    assert load["requests"] == 110
    assert load["errors"] == 1
    # The sign-ins come before the timed seconds: 70 page requests in 10 s.
    assert load["rps"] == 7.0


def test_it_keeps_each_failures_reason_without_locusts_wrapping():
    assert figures()["failures"] == [
        {"page": "feedback_list", "error": "answered 500", "occurrences": 1}
    ]


def test_the_table_lists_the_floor_first_and_the_errors():
    lines = report.http_table(figures(), scale=1)

    assert "20 people (1 coach, 5 managers, 5 mentors, 9 engineers)" in lines[0]
    assert lines[0].endswith("MISSED: 1 errors")
    names = [line.split()[0] for line in lines[2:] if not line.startswith(" ")]
    assert names == ["floor", "feedback_list", "coaching", "sign_in_form", "sign_in"]
    assert "  error on feedback_list: answered 500 (x1)" in lines


def test_the_table_says_ok_without_errors():
    load = figures(errors=0, failures=[])

    assert http.summary(STATS_CSV, seconds=10, users=20)["failures"] == []
    assert report.http_table(load, scale=1)[0].endswith("0 errors  ok")


def person(**roles) -> seed.Person:
    flags = {"manager": False, "mentor": False, "coach": False, **roles}
    return seed.Person(email="someone@example.com", role="engineer", **flags)


def test_each_person_goes_through_the_pages_of_their_roles_and_the_floor():
    def names(who) -> list[str]:
        return [name for name, _ in http.pages_of(who)]

    everyone = ["growth_dashboard", "feedback_list", "goal_list"]
    ends = ["notifications", "floor"]
    assert names(person()) == [*everyone, *ends]
    assert names(person(mentor=True)) == [*everyone, "mentoring", *ends]
    assert names(person(manager=True)) == [
        *everyone,
        "team_dashboard",
        "mentoring",
        *ends,
    ]
    assert names(person(mentor=True, coach=True)) == [
        *everyone,
        "mentoring",
        "coaching",
        *ends,
    ]
    assert dict(http.pages_of(person()))["floor"] == "/bench/floor/"


def test_it_signs_in_people_of_every_role(cast):
    people = seed.people(4)

    by_role = {p.role: p.email for p in people}
    assert by_role == {
        "coach": cast.cora.user.email,
        "manager": cast.skip.user.email,
        "mentor": cast.max.user.email,
        "engineer": cast.alice.user.email,
    }
    cora = people[0]
    assert (cora.coach, cora.mentor, cora.manager) == (True, True, False)


def test_engineers_make_up_the_number_when_a_role_runs_short(cast):
    people = seed.people(8)

    # One mentor who manages no one (max), where the quota asks for two.
    assert [p.role for p in people].count("mentor") == 1
    assert len(people) == len({p.email for p in people}) == 8
    assert cast.carol.user.email in {p.email for p in people}


def test_the_server_runs_with_productions_settings_on_the_bench_database(tmp_path):
    db = database.bench_database(vendor="sqlite", scale=1.0, directory=tmp_path)

    env = http.server_environment(db, var_dir=tmp_path / "var")

    assert env["DJANGO_SETTINGS_MODULE"] == "growth.bench.http_settings"
    assert env["DJANGO_DEBUG"] == "0"
    assert env["DATABASE_URL"] == db.url
    assert len(env["SECRET_KEY"]) >= 32
    assert env["CULTIVATE_VAR_DIR"] == str(tmp_path / "var")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--http-users", "3"], "at least 4"),
        (["--http-think", "-1"], "negative"),
    ],
)
def test_it_refuses_an_http_run_it_cannot_do_before_seeding(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("bench", "--output", str(tmp_path), *args)
    assert not list(tmp_path.iterdir())


def test_without_locust_it_says_how_to_get_it(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "locust" else real(name, *args),
    )

    with pytest.raises(CommandError, match=r"\.\[bench\].*--no-http"):
        call_command("bench", "--output", str(tmp_path))


def test_it_names_the_option_whose_number_is_wrong(tmp_path):
    with pytest.raises(CommandError, match="--http-seconds: must be a number above 0"):
        call_command("bench", "--output", str(tmp_path), "--http-seconds", "0")


def test_it_asks_for_locust_before_seeding_when_it_is_missing(tmp_path, monkeypatch):
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "locust" else find_spec(name, *args),
    )
    with pytest.raises(CommandError, match=r"needs locust.*--no-http"):
        call_command("bench", "--output", str(tmp_path))
    assert not list(tmp_path.iterdir())
