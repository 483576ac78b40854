"""The bench's verdicts on its figures: the targets of issue 11."""

from growth.bench import report
from growth.bench.measure import PAGES


def row(median_ms: float, queries: int = 8) -> dict:
    return {
        "median_ms": median_ms,
        "p95_ms": median_ms,
        "queries": queries,
        "ratio_to_floor": median_ms / 2,
        "split_ms": {"sql": 0.0, "render": 0.0, "other": median_ms},
    }


def run(**pages) -> dict:
    """A run whose floor takes 2 ms, the default admin 100 ms, every page 8 ms
    unless given."""
    return {
        "floor": row(2),
        "default_admin": row(100),
        "pages": {key: pages.get(key, row(8)) for key in PAGES},
        "sweep": {
            "seconds": 3.0,
            "sweep_queries_by_verb": {"INSERT": 2, "SELECT": 11, "UPDATE": 2},
        },
    }


def test_a_page_within_ten_times_the_floor_meets_the_target_and_says_the_aim():
    verdicts = report._verdicts(run(goal_list=row(14)), None)

    assert verdicts["growth_dashboard"] == "ok, within the 5x aim"  # 4x
    assert verdicts["goal_list"] == "ok, above the 5x aim"  # 7x


def test_a_page_over_ten_times_the_floor_or_twelve_queries_misses():
    verdicts = report._verdicts(run(goal_list=row(21), mentoring=row(8, 13)), None)

    assert verdicts["goal_list"] == "MISSED: >10x floor"
    assert verdicts["mentoring"] == "MISSED: >12 queries"


def test_queries_must_be_the_same_at_both_scales():
    small = run(mentoring=row(8, queries=7))

    verdicts = report._verdicts(run(), small)

    assert verdicts["mentoring"] == "MISSED: queries differ by scale"
    assert verdicts["goal_list"].startswith("ok")


def test_the_admin_must_be_three_times_faster_than_the_default_one():
    slow = run(admin_feedback=row(18))
    slow["default_admin"] = row(50)

    verdicts = report._verdicts(slow, None)

    assert verdicts["admin_feedback"] == "MISSED: <3x faster than default"


def test_the_sweep_may_insert_more_at_scale_but_not_read_more():
    big, small = run(), run()
    big["sweep"]["sweep_queries_by_verb"]["INSERT"] = 20

    assert report._sweep_verdict(big["sweep"], small) == "ok"

    big["sweep"]["sweep_queries_by_verb"]["SELECT"] = 12
    assert report._sweep_verdict(big["sweep"], small) == (
        "MISSED: queries (INSERT aside) differ by scale"
    )


def test_the_sweep_must_take_under_thirty_seconds():
    slow = run()["sweep"] | {"seconds": 30.0}

    assert report._sweep_verdict(slow, None) == "MISSED: >30 s"
