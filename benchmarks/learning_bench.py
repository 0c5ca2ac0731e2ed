"""How long learning takes at scale: fit the response model on 10,000 outcomes and re-score 100,000
contacts with it, next to a baseline from the same run (a bare scikit-learn LogisticRegression
fitted and asked predict_proba on matrices of the same shapes). Target: fit + re-score <= 1 s.

The contacts follow real title and company distributions (benchmarks.generate); the log holds
10,000 outreaches with channels, templates and message lengths over a year, for four goals. The
contact ranker itself (vectorizing 100,000 titles) is fitted before the clock starts: the app
keeps it per data version, and learning does not refit it.

    python -m benchmarks.learning_bench
"""

from __future__ import annotations

import random
import sys
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from benchmarks.generate import _realistic_row
from benchmarks.labeled_set import GOAL_DEFAULTS
from benchmarks.learning_sim import GOALS as SIM_GOALS
from engine.demo.content import FIRST_NAMES, LAST_NAMES
from engine.outreach.learning import FEATURES, fit_response_model, learned_ranker, ranker_with_learning
from engine.ranking import OpportunityRanker

N_CONTACTS, N_OUTCOMES = 100_000, 10_000
NOW = pd.Timestamp("2026-06-01 09:00")
GOALS = [{**g, "id": i + 1} for i, g in enumerate([*SIM_GOALS, {**GOAL_DEFAULTS, **dict(
    title="Learn from data scientists", outcome="learn", target_roles=["Data Scientist", "Data Analyst"])},
    {**GOAL_DEFAULTS, **dict(title="Clients at the consultancies", outcome="clients",
                             target_roles=["Partner", "Managing Director"], companies=["Accenture", "Deloitte"])}])]


def contacts_and_log(seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng, draw = np.random.default_rng(seed), random.Random(seed)
    rows = [_realistic_row(draw, i, FIRST_NAMES, LAST_NAMES) for i in range(N_CONTACTS)]
    n = N_CONTACTS
    contacts = pd.DataFrame({
        "id": np.arange(1, n + 1), "full_name": [f"{r[0]} {r[1]}" for r in rows], "company": [r[4] for r in rows],
        "position": [r[5] for r in rows], "has_email": [bool(r[3]) for r in rows],
        "strength": np.where(rng.random(n) < 0.2, rng.integers(0, 6, n), np.nan),
        "relationship": np.where(rng.random(n) < 0.1, rng.choice(["peer", "friend", "client", "mentor"], n), None),
        "connected_on": NOW - pd.to_timedelta(rng.integers(20, 3650, n), unit="D"),
    })
    who = rng.choice(contacts["id"].to_numpy(), size=N_OUTCOMES, replace=False)
    replied = rng.random(N_OUTCOMES) < 0.3
    log = pd.DataFrame({
        "contact_id": who, "goal_id": rng.choice([g["id"] for g in GOALS], size=N_OUTCOMES), "kind": "outreach",
        "channel": rng.choice(["email", "linkedin_message", "linkedin_connection"], size=N_OUTCOMES),
        "template_id": np.where(rng.random(N_OUTCOMES) < 0.5, rng.integers(1, 8, N_OUTCOMES), np.nan),
        "message_length": rng.integers(80, 1500, N_OUTCOMES),
        "occurred_on": NOW - pd.to_timedelta(rng.integers(1, 365, N_OUTCOMES), unit="D"),
        "outcome": np.where(replied, "replied", "no_response"),
    })
    sent = contacts["id"].isin(who)
    contacts["outreach_count"] = sent.astype(int)
    contacts["replies"] = contacts["id"].isin(who[replied]).astype(int)
    contacts["last_interaction"] = contacts["id"].map(log.groupby("contact_id")["occurred_on"].max())
    return contacts, log


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    contacts, log = contacts_and_log()
    ranker = OpportunityRanker().fit(contacts)
    ranker._scores(GOALS, NOW)  # warm
    model = fit_response_model(ranker, GOALS, log, NOW, contacts=contacts)
    learned = learned_ranker(ranker, model)
    fit_s = _best(lambda: fit_response_model(ranker, GOALS, log, NOW, contacts=contacts))
    status_s = _best(lambda: ranker_with_learning(ranker, GOALS, log, NOW, contacts=contacts))
    fit_only_s = _best(lambda: ranker._scores(GOALS, NOW))
    learned_s = _best(lambda: learned._scores(GOALS, NOW))
    rng = np.random.default_rng(0)
    X_train, y = rng.random((N_OUTCOMES, len(FEATURES))), rng.random(N_OUTCOMES) < 0.3
    X_all = rng.random((N_CONTACTS * len(GOALS), len(FEATURES)))
    with threadpool_limits(1):
        base_s = _best(lambda: LogisticRegression(max_iter=1000).fit(X_train, y).predict_proba(X_all))
    rescore = learned_s - fit_only_s
    print(f"response model: {N_OUTCOMES:,} outcomes, {N_CONTACTS:,} contacts x {len(GOALS)} goals, "
          f"{len(FEATURES)} features (calibrated: {model.calibrated_})")
    print(f"  fit (features as of each outreach + model)        {fit_s:6.3f} s")
    print(f"  re-score with the model (learned - fit-only)      {rescore:6.3f} s  "
          f"(learned scoring {learned_s:.3f} s, fit-only {fit_only_s:.3f} s)")
    print(f"  fit + re-score                                    {fit_s + rescore:6.3f} s  (target <= 1 s)")
    print(f"  with the status's backtest (a second fit)         {status_s + rescore:6.3f} s")
    print(f"  baseline: bare LogisticRegression fit + predict_proba on {len(X_all):,} rows, one thread "
          f"{base_s:6.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
