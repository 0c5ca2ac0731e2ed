"""How long learning takes at scale: fit the response model on 10,000 outcomes, re-score 100,000
contacts with it, next to a baseline from the same run (a bare sklearn LogisticRegression fit and
predict_proba on matrices of the same shapes). Target: fit + re-score <= 1 s.

The contact ranker itself (vectorizing 100,000 titles) is fitted before the clock starts: the app
caches it per data version, and learning does not refit it.

    python -m benchmarks.learning_bench
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from benchmarks.learning_sim import GOALS, NOW, population
from engine.outreach.learning import FEATURES, fit_response_model, learned_ranker
from engine.ranking import OpportunityRanker

N_CONTACTS, N_OUTCOMES = 100_000, 10_000


def _log(rng: np.random.Generator, contacts: pd.DataFrame) -> pd.DataFrame:
    who = rng.choice(contacts["id"].to_numpy(), size=N_OUTCOMES, replace=False)
    replied = rng.random(N_OUTCOMES) < 0.3
    return pd.DataFrame({
        "contact_id": who, "goal_id": rng.choice([g["id"] for g in GOALS], size=N_OUTCOMES), "kind": "outreach",
        "channel": "email", "occurred_on": NOW - pd.to_timedelta(rng.integers(1, 365, N_OUTCOMES), unit="D"),
        "outcome": np.where(replied, "replied", "no_response"),
    })


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    rng = np.random.default_rng(7)
    contacts = population(rng, N_CONTACTS)
    log = _log(rng, contacts)
    contacts.loc[contacts["id"].isin(log["contact_id"]), "outreach_count"] = 1
    ranker = OpportunityRanker().fit(contacts.drop(columns=["level", "email"]))
    ranker._scores(GOALS, NOW)  # warm
    model = fit_response_model(ranker, GOALS, log, NOW)
    learned = learned_ranker(ranker, model)
    fit_s = _best(lambda: fit_response_model(ranker, GOALS, log, NOW))
    fit_only_s = _best(lambda: ranker._scores(GOALS, NOW))
    learned_s = _best(lambda: learned._scores(GOALS, NOW))
    X_train, y = rng.normal(size=(N_OUTCOMES, len(FEATURES))), rng.random(N_OUTCOMES) < 0.3
    X_all = rng.normal(size=(N_CONTACTS * len(GOALS), len(FEATURES)))
    base_s = _best(lambda: LogisticRegression(max_iter=1000).fit(X_train, y).predict_proba(X_all))
    rescore = learned_s - fit_only_s
    print(f"response model: {N_OUTCOMES:,} outcomes, {N_CONTACTS:,} contacts x {len(GOALS)} goals, "
          f"{len(FEATURES)} features (calibrated: {model.calibrated_})")
    print(f"  fit (features as of each outreach + model)   {fit_s:6.3f} s")
    print(f"  re-score with the model (learned - fit-only) {rescore:6.3f} s  "
          f"(learned scoring {learned_s:.3f} s, fit-only {fit_only_s:.3f} s)")
    print(f"  fit + re-score                               {fit_s + rescore:6.3f} s  (target <= 1 s)")
    print(f"  baseline: bare LogisticRegression fit + predict_proba, same shapes  {base_s:6.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
