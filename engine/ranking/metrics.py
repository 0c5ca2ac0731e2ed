"""Ranking quality metrics, with the standard definitions, to hold the ranker to a number.

NDCG@k uses gain 2**rel - 1 and a log2(rank + 1) discount; the ideal DCG comes from the same
relevances sorted best first. A list with no relevant item at all has NDCG 0 (nothing to find).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def dcg_at_k(relevance_in_ranked_order: Sequence[float], k: int) -> float:
    """Discounted cumulative gain of the first ``k`` items."""
    rel = np.asarray(relevance_in_ranked_order, dtype=np.float64)[: max(int(k), 0)]
    if rel.size == 0:
        return 0.0
    discounts = np.log2(np.arange(2, rel.size + 2))
    return float(np.sum((2.0**rel - 1.0) / discounts))


def ndcg_at_k(relevance_in_ranked_order: Sequence[float], k: int) -> float:
    """NDCG@k of a ranking given the graded relevance of its items in ranked order."""
    ideal = dcg_at_k(sorted(relevance_in_ranked_order, reverse=True), k)
    return dcg_at_k(relevance_in_ranked_order, k) / ideal if ideal > 0 else 0.0


def precision_at_k(relevance_in_ranked_order: Sequence[float], k: int, threshold: float = 1.0) -> float:
    """Share of the first ``k`` positions holding an item with relevance >= ``threshold``.

    The denominator is always ``k``: a list shorter than ``k`` is charged for the empty places.
    """
    if k <= 0:
        return 0.0
    rel = np.asarray(relevance_in_ranked_order, dtype=np.float64)[:k]
    return float(np.sum(rel >= threshold)) / k


def ndcg_for_ranking(ranked_ids: Sequence, relevance_by_id: Mapping, k: int) -> float:
    """NDCG@k of ``ranked_ids`` against graded relevance by id (ids not in the map count 0).

    The ideal ranking is built from *all* judged ids, so relevant items the ranking misses
    lower the score.
    """
    gains = [float(relevance_by_id.get(i, 0.0)) for i in ranked_ids]
    ideal = dcg_at_k(sorted((float(v) for v in relevance_by_id.values()), reverse=True), k)
    return dcg_at_k(gains, k) / ideal if ideal > 0 else 0.0
