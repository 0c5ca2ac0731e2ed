"""Does learning from logged outcomes find who replies? A simulation written apart from the learner.

The hidden reply model below does not import the engine: it reads seniority from the title with the
labeled set's own patterns (benchmarks.labeled_set.grader_level), and each ground truth makes a
different fact drive replies:

- ``seniority``: junior and mid-level people answer, managers and executives rarely do;
- ``company``: a few employers answer readily, a few never, blank companies less;
- ``recency``: people connected in the last year answer, old connections fade;
- ``channel``: outreach by email (to people whose address is known) answers far more than a
  LinkedIn message. The response model has no channel feature, so this truth measures what it
  cannot see.

Contacts draw titles and companies from the real distributions in benchmarks/data (as
benchmarks.labeled_set does). The user has two goals and for 25 weeks contacts 12 people a week,
picked from the app's ranking as a user would: the first not-yet-contacted rows of the learned
ranking, including the exploration rows (engine.outreach.exploration) among them. Outcomes are
drawn from the hidden model and logged as an interaction frame (the store's
``interactions.frame()`` shape); the contacts' counts follow the log. The ranker and the response
model are refitted each week, as the app does when data changes.

At the end, on contacts never contacted:

- lift: expected reply rate (hidden model) of the learned top 20 / the fit-only top 20;
- oracle gap closed: (learned - fit-only) / (oracle - fit-only), where the oracle is the same
  blend with the hidden reply chance in place of the model (the best the gate allows);
- relevance kept: learned top-20 mean goal fit / fit-only top-20 mean goal fit;
- calibration of the model's reply estimates on the contacts that fit a goal: expected Brier
  score (against the hidden chance) next to that of a constant at the observed reply rate, and
  a reliability curve (5 quantile bins: mean estimate vs mean hidden chance).

    python -m benchmarks.learning_sim            # 4 truths x 10 seeds, the table
    python -m benchmarks.learning_sim --seeds 3  # quicker
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from benchmarks.labeled_set import GOAL_DEFAULTS, _samples, grader_level
from engine.outreach.exploration import with_exploration
from engine.outreach.learning import learned_ranker, ranker_with_learning
from engine.ranking import OpportunityRanker

NOW = pd.Timestamp("2026-06-01 09:00")
DAY = pd.Timedelta(days=1)
N_CONTACTS, WEEKS, PER_WEEK, TOP = 1500, 25, 12, 20
TRUTHS = ("seniority", "company", "recency", "channel")
GOALS = [{**GOAL_DEFAULTS, **g} for g in (
    dict(id=1, title="Hire senior software engineers", outcome="hiring",
         target_roles=["Software Engineer", "Backend Engineer"], seniority=["senior", "lead"]),
    dict(id=2, title="Referral from people in HR and recruiting", outcome="referral",
         target_roles=["Human Resources Manager", "Recruiter", "Talent Acquisition"], priority=4),
)]
FIT = ["text", "company", "seniority", "relationship"]
SENIORITY_EFFECT = {0: 0.9, 1: 0.5, 2: -0.3, 3: -1.5}  # grader levels: junior, other, senior, leader


def population(rng: np.random.Generator, n: int = N_CONTACTS) -> pd.DataFrame:
    """Contacts as the ranking reads them, plus the hidden facts (``level``, ``email``)."""
    titles, companies = _samples()
    t = rng.choice(len(titles), size=n, p=titles["count"].to_numpy(float) / titles["count"].sum())
    c = rng.choice(len(companies), size=n, p=companies["count"].to_numpy(float) / companies["count"].sum())
    company = np.where(rng.random(n) < 0.15, None, companies["company"].to_numpy(object)[c])
    known = rng.random(n) < 0.4
    frame = pd.DataFrame({
        "id": np.arange(1, n + 1), "full_name": [f"Contact {i}" for i in range(1, n + 1)],
        "company": company, "position": titles["title"].to_numpy(object)[t],
        "strength": np.where(known, rng.integers(0, 6, n), np.nan), "relationship": None, "tags": None,
        "notes": None, "connected_on": NOW - pd.to_timedelta(rng.integers(20, 3000, n), unit="D"),
        "last_interaction": pd.NaT, "replies": 0, "outreach_count": 0, "cadence_days": np.nan,
        "job_changed_on": pd.NaT, "times_recommended": 0,
        "email": rng.random(n) < 0.4,
    })
    frame["last_interaction"] = pd.to_datetime(frame["last_interaction"])
    frame["job_changed_on"] = pd.to_datetime(frame["job_changed_on"])
    frame["level"] = [grader_level(title) for title in frame["position"]]
    return frame


def hidden_chance(contacts: pd.DataFrame, truth: str, rng: np.random.Generator) -> np.ndarray:
    """Each contact's true reply chance under ``truth`` (with per-person noise)."""
    n = len(contacts)
    logit = np.full(n, -1.0) + rng.normal(0, 0.4, n)
    if truth == "seniority":
        logit += contacts["level"].map(SENIORITY_EFFECT).to_numpy(float)
    elif truth == "company":
        _, companies = _samples()
        common = companies["company"].head(40).to_numpy(object)
        chosen = rng.permutation(len(common))
        warm, cold = set(common[chosen[:6]]), set(common[chosen[6:10]])
        logit += np.array([1.6 if c in warm else -1.4 if c in cold else -0.5 if c is None else 0.0
                           for c in contacts["company"]])
    elif truth == "recency":
        years = (NOW - contacts["connected_on"]).dt.days.to_numpy(float) / 365.0
        logit += np.clip(1.4 - 0.7 * years, -1.6, 1.4)
    elif truth == "channel":
        logit += np.where(contacts["email"].to_numpy(bool), 1.2, -0.5)
    else:
        raise ValueError(f"unknown ground truth {truth!r}; expected one of {', '.join(TRUTHS)}")
    return 1.0 / (1.0 + np.exp(-logit))


class Oracle(BaseEstimator):
    """A 'response model' that knows the hidden chance: the best reordering the fit gate allows."""

    def __init__(self, ids=None, chance=None):
        self.ids = ids
        self.chance = chance
        self.chance_ = pd.Series(chance, index=ids)

    def fit(self, X=None, y=None):
        return self

    def ranking_proba(self, ranker, contributions, signals) -> np.ndarray:
        g = contributions["text"].shape[0]
        return np.tile(self.chance_.reindex(ranker.contact_ids_).fillna(0).to_numpy(), (g, 1))


def _ranking_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    return contacts.drop(columns=["level", "email"])


def _week(contacts, log, contacted, start, rng, chance, index, per_week: int) -> list[dict]:
    """One week: rank as the app does, contact the first PER_WEEK new rows, draw outcomes."""
    ranker = OpportunityRanker().fit(_ranking_contacts(contacts))
    learned, _ = ranker_with_learning(ranker, GOALS, pd.DataFrame(log), start)
    ranked = learned.rank(GOALS, start, top=300)
    ranked = with_exploration(ranked, learned, contacts, start.date())
    ranked = ranked[~ranked["contact_id"].isin(contacted)].drop_duplicates("contact_id").head(per_week)
    rows = []
    for cid, gid in zip(ranked["contact_id"], ranked["goal_id"], strict=True):
        k = index.get_loc(cid)
        replied = rng.random() < chance[k]
        rows.append({
            "id": len(log) + len(rows) + 1, "contact_id": int(cid), "goal_id": int(gid), "template_id": None,
            "kind": "outreach", "channel": "email" if contacts["email"].iat[k] else "linkedin_message",
            "occurred_on": start + int(rng.integers(0, 5)) * DAY,
            "outcome": str(rng.choice(["replied", "meeting"])) if replied else "no_response",
        })
    return rows


def _apply(contacts: pd.DataFrame, rows: list[dict], index: pd.Index) -> None:
    for row in rows:
        k = index.get_loc(row["contact_id"])
        contacts.iat[k, contacts.columns.get_loc("outreach_count")] += 1
        contacts.iat[k, contacts.columns.get_loc("replies")] += row["outcome"] != "no_response"
        last = contacts["last_interaction"].iat[k]
        contacts.iat[k, contacts.columns.get_loc("last_interaction")] = (
            row["occurred_on"] if pd.isna(last) else max(last, row["occurred_on"]))


def _top(ranking: pd.DataFrame, contacted: set) -> np.ndarray:
    fresh = ranking[~ranking["contact_id"].isin(contacted)].drop_duplicates("contact_id")
    return fresh["contact_id"].head(TOP).to_numpy()


def _calibration(ranker, model, contacted: set, chance: pd.Series, now) -> dict:
    """Brier score and reliability bins of the model's P(reply) for uncontacted contacts that fit a
    goal, each under the goal it fits best."""
    scores = ranker._scores(GOALS, now)
    contributions = {c: v.T for c, v in scores.contributions.items()}  # goal-major, as scoring blends
    proba = model.ranking_proba(ranker, contributions, scores.signals)  # (goals, contacts)
    fit = sum(contributions[c] for c in FIT)
    best = np.argmax(fit, axis=0)
    ids = np.asarray(ranker.contact_ids_)
    keep = (fit.max(axis=0) > 0) & ~np.isin(ids, list(contacted))
    estimate = proba[best, np.arange(len(ids))][keep]
    truth = chance.reindex(ids[keep]).to_numpy()
    brier = float(np.mean((estimate - truth) ** 2 + truth * (1 - truth)))  # E[(estimate - Y)^2]
    bins = pd.qcut(pd.Series(estimate).rank(method="first"), 5, labels=False)
    curve = pd.DataFrame({"estimate": estimate, "truth": truth, "bin": bins}).groupby("bin").agg(
        estimate=("estimate", "mean"), truth=("truth", "mean"), n=("truth", "size"))
    constant = float(np.mean(truth * (1 - truth) + (truth.mean() - truth) ** 2))  # a flat guess at the mean
    return {"brier": brier, "brier_constant_truth_mean": constant,
            "reliability": [tuple(round(float(v), 3) for v in row) for row in curve.itertuples(index=False)],
            "spearman": float(pd.Series(estimate).corr(pd.Series(truth), method="spearman"))}


def history(truth: str, seed: int, weeks: int = WEEKS, n_contacts: int = N_CONTACTS,
            per_week: int = PER_WEEK) -> dict:
    """One simulated user's 25 weeks: the contacts afterwards (with the hidden ``level`` and
    ``email`` columns), the interaction log, the hidden chance per contact, and ``now``."""
    rng = np.random.default_rng([seed, TRUTHS.index(truth)])
    contacts = population(rng, n_contacts)
    chance = hidden_chance(contacts, truth, rng)
    index = pd.Index(contacts["id"])
    now = NOW - weeks * 7 * DAY
    log: list[dict] = []
    contacted: set = set()
    for _ in range(weeks):
        rows = _week(contacts, log, contacted, now, rng, chance, index, per_week)
        log += rows
        contacted |= {r["contact_id"] for r in rows}
        _apply(contacts, rows, index)
        now += 7 * DAY
    return {"contacts": contacts, "log": pd.DataFrame(log), "chance": chance, "now": now, "contacted": contacted}


def run(truth: str, seed: int, **size) -> dict:
    """One simulated user (``size``: weeks, n_contacts, per_week); the measures of the module docstring."""
    sim = history(truth, seed, **size)
    contacts, chance, now, contacted = sim["contacts"], sim["chance"], sim["now"], sim["contacted"]
    index = pd.Index(contacts["id"])
    ranker = OpportunityRanker().fit(_ranking_contacts(contacts))
    learned, status = ranker_with_learning(ranker, GOALS, sim["log"], now)
    oracle = learned_ranker(ranker, Oracle(index.to_numpy(), chance))
    truth_of = pd.Series(chance, index=index)
    scores = ranker.score(GOALS, now)
    fit = scores[FIT].sum(axis=1).groupby(scores["contact_id"]).max()
    tops = {name: _top(r.rank(GOALS, now), contacted) for name, r in
            (("fit_only", ranker), ("learned", learned), ("oracle", oracle))}
    rate = {name: float(truth_of[ids].mean()) for name, ids in tops.items()}
    gap = rate["oracle"] - rate["fit_only"]
    out = {
        "truth": truth, "seed": seed, "outcomes": status["outcomes"], "reply_rate": status["reply_rate"],
        "learning": status["learning"], **{f"rate_{k}": v for k, v in rate.items()},
        "lift": rate["learned"] / rate["fit_only"],
        "gap_closed": (rate["learned"] - rate["fit_only"]) / gap if gap > 1e-9 else float("nan"),
        "relevance_kept": float(fit[tops["learned"]].mean() / fit[tops["fit_only"]].mean()),
    }
    if status["learning"]:
        out.update(_calibration(ranker, learned.response_model, contacted, truth_of, now))
    return out


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Per ground truth: mean (min-max) of the measures over seeds."""
    return results.groupby("truth", sort=False).agg(
        seeds=("seed", "size"), lift=("lift", "mean"), lift_min=("lift", "min"), lift_max=("lift", "max"),
        gap_closed=("gap_closed", "median"), relevance_min=("relevance_kept", "min"),
        relevance=("relevance_kept", "mean"), brier=("brier", "mean"),
        brier_constant=("brier_constant_truth_mean", "mean"), spearman=("spearman", "mean"),
        fit_only=("rate_fit_only", "mean"), learned=("rate_learned", "mean"), oracle=("rate_oracle", "mean"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--truth", choices=TRUTHS, action="append")
    args = parser.parse_args(argv)
    results = []
    for truth in args.truth or TRUTHS:
        for seed in range(args.seeds):
            results.append(run(truth, seed))
            print(f"{truth} seed {seed}: lift {results[-1]['lift']:.2f}", file=sys.stderr, flush=True)
    frame = pd.DataFrame(results)
    pd.set_option("display.width", 200)
    print(summary(frame).round(3).to_string())
    print("\nreliability (estimate, hidden chance, n) per truth, seed 0:")
    for row in frame[frame["seed"] == 0].itertuples():
        print(f"  {row.truth}: {getattr(row, 'reliability', None)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
