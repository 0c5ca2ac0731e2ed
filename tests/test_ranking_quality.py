"""The ranking on the independent labeled set (benchmarks/labeled_set.py): graded by rules written
before tuning, measured on the held-out part the tuning never read."""

from __future__ import annotations

from benchmarks import labeled_set
from benchmarks.ranking_quality import evaluate, mean, tfidf_rankings


def test_labeled_set_is_large_split_and_graded():
    tuning, goals, labels = labeled_set.load("tuning")
    held_out = labeled_set.load("held-out")[0]
    assert len(tuning) + len(held_out) >= 1500 and not set(tuning["id"]) & set(held_out["id"])
    assert len(goals) >= 10 and len({g["outcome"] for g in goals}) >= 5
    assert tuning["company"].isna().mean() > 0.05
    assert all({0, 3} <= set(grades.values()) for grades in labels.values())
    assert sum(1 in set(grades.values()) for grades in labels.values()) >= 10


def test_held_out_ndcg_meets_the_target_and_beats_bare_tfidf():
    engine = evaluate("held-out")
    baseline = evaluate("held-out", tfidf_rankings)
    assert mean(engine, 20) >= 0.90
    assert mean(engine, 10) > mean(baseline, 10) and mean(engine, 20) > mean(baseline, 20) + 0.1


def test_held_out_ndcg_through_the_command_line_meets_the_target():
    """As the separate held-out set is measured: a LinkedIn export imported, the goals typed with
    `rapport goals add`, each ranked by `rapport rank --goal ID --json`, rows matched by profile URL."""
    from benchmarks.ranking_cli import run

    per_goal = run("held-out")
    assert len(per_goal) == len(labeled_set.GOALS)
    assert sum(per_goal.values()) / len(per_goal) >= 0.90, per_goal
    assert min(per_goal.values()) >= 0.75, per_goal
