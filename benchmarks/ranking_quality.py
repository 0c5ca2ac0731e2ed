"""NDCG@10 and @20 of the contact ranking on the labeled set (benchmarks/labeled_set.py), on its
tuning and held-out parts, next to a bare TF-IDF of title + company against the goal's text.

    python -m benchmarks.ranking_quality            # both parts, per goal and mean
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from benchmarks import labeled_set
from engine.ranking import OpportunityRanker, ndcg_for_ranking

KS = (10, 20)


def _goal_text(goal: dict) -> str:
    parts = [goal["title"], *goal.get("target_roles", []), *goal.get("industries", []), *goal.get("companies", [])]
    return " ".join(parts)


def engine_rankings(frame, goals) -> dict[int, list]:
    ranker = OpportunityRanker().fit(frame)
    return {g["id"]: ranker.rank(goals, labeled_set.NOW, goal_id=g["id"])["contact_id"].tolist() for g in goals}


def tfidf_rankings(frame, goals) -> dict[int, list]:
    texts = (frame["position"].fillna("") + " " + frame["company"].fillna("")).tolist()
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    matrix = normalize(vec.fit_transform(texts))
    ids = frame["id"].to_numpy()
    out = {}
    for g in goals:
        sim = (matrix @ normalize(vec.transform([_goal_text(g)])).T).toarray().ravel()
        out[g["id"]] = ids[np.argsort(-sim, kind="stable")].tolist()
    return out


def evaluate(part: str, method=engine_rankings) -> dict[int, dict[int, float]]:
    """goal id -> k -> NDCG@k on ``part``."""
    frame, goals, labels = labeled_set.load(part)
    rankings = method(frame, goals)
    return {gid: {k: ndcg_for_ranking(rankings[gid], labels[gid], k) for k in KS} for gid in rankings}


def mean(result: dict[int, dict[int, float]], k: int) -> float:
    return float(np.mean([r[k] for r in result.values()]))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-goal", action="store_true", help="print each goal's figures")
    args = parser.parse_args(argv)
    titles = {g["id"]: g["title"] for g in labeled_set.GOALS}
    for part in ("tuning", "held-out"):
        engine, base = evaluate(part), evaluate(part, tfidf_rankings)
        print(f"{part:9s} engine NDCG@10 {mean(engine, 10):.3f} @20 {mean(engine, 20):.3f}   "
              f"bare TF-IDF NDCG@10 {mean(base, 10):.3f} @20 {mean(base, 20):.3f}")
        if args.per_goal:
            for gid in engine:
                print(f"    {gid:2d} {titles[gid][:50]:50s} engine @20 {engine[gid][20]:.3f}  "
                      f"tfidf @20 {base[gid][20]:.3f}")


if __name__ == "__main__":
    main()
