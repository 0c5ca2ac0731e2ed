"""Does learning from logged outcomes find who replies? A simulation written apart from the learner.

A simulated user lives 25 weeks with the app, through a real workspace (engine.store, a DuckDB
file): a realistic LinkedIn export (benchmarks.generate: real title and company distributions,
varied the way people write them) is imported, some contacts get a strength and a relationship
(as the Contacts page or ``rapport contacts edit`` sets them), two goals are added (one hiring,
one referral), and every week the user opens Outreach (``rank_contacts``: the app's ranking with
its exploration places, "to learn what works") and writes to the first ``per_week`` people not
written to yet, by e-mail when the address is known or the contact is close (strength 4+), else
by LinkedIn message. Outcomes are drawn from a hidden reply model and logged with
``store.interactions.log_many``; the app refits what it fits as the data changes.

The hidden reply model does not import the engine: it reads seniority from the title with the
labeled set's own patterns (benchmarks.labeled_set.grader_level) and the company from the raw
name, and each ground truth makes a different fact drive replies:

- ``seniority``: junior and mid-level people answer, managers and executives rarely do;
- ``company``: a few employers answer readily, a few never, blank companies less;
- ``recency``: people connected in the last year or two answer, old connections fade;
- ``channel``: e-mail is answered far more than a LinkedIn message (so close contacts and
  those whose address is known answer more).

At the end, on the contacts never written to, each ranking's top 20 (best goal first, and per
goal) is judged by its expected reply rate under the hidden model:

- lift: learned top 20 / fit-only top 20;
- oracle gap closed: (learned - fit-only) / (oracle - fit-only), the oracle being the same gate
  with the hidden chance in place of the model (the best the gate allows); and the same against the
  oracle that knows the hidden chance without each person's own noise (``knowable``: the best any
  model could learn, since that noise shows in no fact about the person; in the channel truth most
  of the full oracle's gain is that noise, the people by e-mail who fit having been written to);
- relevance kept: learned top-20 mean goal fit / fit-only top-20 mean goal fit;
- calibration of the model's P(reply) on uncontacted contacts that fit a goal: Brier score
  (expected, against the hidden chance) next to a constant at the mean, a reliability curve
  (5 quantile bins: mean estimate, mean hidden chance, n) and the Spearman correlation;
- the time-split backtest AUC ``rapport learning --json`` reports for the same log.

    python -m benchmarks.learning_sim                     # 4 truths x 10 seeds (several minutes)
    python -m benchmarks.learning_sim --seeds 3 --truth seniority
    python -m benchmarks.learning_sim --first-seed 10 --seeds 20   # seeds never tuned on
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from benchmarks.generate import linkedin_export
from benchmarks.labeled_set import GOAL_DEFAULTS, grader_level

END = date(2026, 6, 1)
WEEKS, PER_WEEK, N_CONTACTS, TOP = 25, 12, 1500, 20
TRUTHS = ("seniority", "company", "recency", "channel")
GOALS = [{**GOAL_DEFAULTS, **g} for g in (
    dict(title="Hire senior software engineers", outcome="hiring",
         target_roles=["Software Engineer", "Backend Engineer"], seniority=["senior", "lead"], priority=4),
    dict(title="Referral into HR leadership", outcome="referral",
         target_roles=["Human Resources Manager", "HR Business Partner", "Talent Acquisition"], priority=4),
)]
FIT = ["text", "company", "seniority", "relationship"]
SENIORITY_EFFECT = {0: 0.9, 1: 0.5, 2: -0.3, 3: -1.5}  # grader levels: junior, other, senior, leader
COMMON_COMPANIES = ("Accenture", "KPMG", "Tata Consultancy Services", "Bosch", "Deloitte", "Infosys", "Cognizant",
                    "DAI", "EY", "Sterling Bank", "Ikeja Electric", "PwC", "Amazon", "Capgemini", "IHS Towers",
                    "Access Bank", "Anheuser-Busch InBev", "FirstBank", "Flour Mills", "Interswitch", "Microsoft",
                    "MTN")


def _seed_rng(truth: str, seed: int) -> np.random.Generator:
    return np.random.default_rng([seed, TRUTHS.index(truth), 21])


def world(folder: Path, seed: int, n_contacts: int = N_CONTACTS):
    """(store, people): a workspace with an imported export, some strengths and relationships set,
    the two goals; ``people`` holds what the hidden model reads (id, position, company,
    connected_on, email, strength, relationship) and the user's ``channel`` for each."""
    from engine.importers.files import import_file
    from engine.store import Store

    rng = np.random.default_rng([seed, 7])
    store = Store(folder / "sim.duckdb")
    import_file(store, linkedin_export(folder / "Connections.csv", n_contacts, seed=seed))
    people = store.contacts.export()[["id", "position", "company", "connected_on", "email"]]
    n = len(people)
    strength = np.where(rng.random(n) < 0.2, rng.integers(1, 6, n), -1)
    relationship = np.where(rng.random(n) < 0.1, rng.choice(["peer", "friend", "client", "mentor"], n), None)
    for value in range(1, 6):
        ids = people["id"][strength == value].tolist()
        if ids:
            store.contacts.update_many(ids, strength=int(value))
    for value in ("peer", "friend", "client", "mentor"):
        ids = people["id"][relationship == value].tolist()
        if ids:
            store.contacts.update_many(ids, relationship=value)
    people = people.assign(strength=np.where(strength >= 0, strength, np.nan), relationship=relationship)
    has_email = people["email"].fillna("").astype(str).str.contains("@").to_numpy()
    people["channel"] = np.where(has_email | (people["strength"].to_numpy() >= 4), "email", "linkedin_message")
    for goal in GOALS:
        store.goals.add(goal)
    return store, people


def _company_effect(company, warm: set, cold: set) -> float:
    name = "" if company is None or pd.isna(company) else str(company).strip()  # a blank company reads as NaN
    if not name:
        return -0.5
    base = next((c for c in COMMON_COMPANIES if name.lower().startswith(c.lower())), None)
    return 1.6 if base in warm else -1.4 if base in cold else 0.0


def hidden_chance(people: pd.DataFrame, truth: str, rng: np.random.Generator, noise: bool = True) -> np.ndarray:
    """Each person's true chance of replying to the user's outreach (by the user's channel) under
    ``truth``, with per-person noise (drawn either way, so ``noise=False`` gives the same world's
    systematic part: what the facts the world shows can tell about a person)."""
    n = len(people)
    logit = np.full(n, -1.0) + rng.normal(0, 0.4, n) * noise
    if truth == "seniority":
        logit += np.array([SENIORITY_EFFECT[grader_level(t)] for t in people["position"].fillna("")])
    elif truth == "company":
        order = rng.permutation(len(COMMON_COMPANIES))
        warm = {COMMON_COMPANIES[i] for i in order[:6]}
        cold = {COMMON_COMPANIES[i] for i in order[6:10]}
        logit += np.array([_company_effect(c, warm, cold) for c in people["company"]])
    elif truth == "recency":
        years = (pd.Timestamp(END) - pd.to_datetime(people["connected_on"])).dt.days.to_numpy(float) / 365.25
        logit += np.clip(2.0 - 0.6 * np.nan_to_num(years, nan=8.0), -1.6, 1.4)
    elif truth == "channel":
        logit += np.where(people["channel"].to_numpy() == "email", 1.3, -0.4)
    else:
        raise ValueError(f"unknown ground truth {truth!r}; expected one of {', '.join(TRUTHS)}")
    return 1.0 / (1.0 + np.exp(-logit))


class Oracle(BaseEstimator):
    """A 'response model' that knows the hidden chance: the best reordering the fit gate allows."""

    def __init__(self, ids=None, chance=None):
        self.ids = ids
        self.chance = chance

    def fit(self, X=None, y=None):
        self.chance_ = pd.Series(self.chance, index=self.ids)
        self.base_rate_ = float(np.mean(self.chance))
        return self

    def ranking_proba(self, ranker, contributions, signals, goals=None, now_day=None) -> np.ndarray:
        g = contributions["text"].shape[0]
        return np.tile(self.chance_.reindex(ranker.contact_ids_).fillna(0).to_numpy(), (g, 1))


def _outcome(rng, replied: bool) -> str:
    return str(rng.choice(["replied", "meeting"], p=[0.8, 0.2])) if replied else str(
        rng.choice(["no_response", "declined"], p=[0.9, 0.1]))


def live(store, people: pd.DataFrame, chance: np.ndarray, rng: np.random.Generator, weeks: int = WEEKS,
         per_week: int = PER_WEEK) -> dict:
    """The user's weeks: open Outreach, write to the first ``per_week`` people not written to yet,
    log what came of it. Returns contacted ids, explored ids and the number of rows logged."""
    from engine.outreach.exploration import EVERY
    from engine.outreach.opportunities import rank_contacts

    index = pd.Index(people["id"])
    contacted: set[int] = set()
    explored: set[int] = set()
    for week in range(weeks):
        day = END - timedelta(days=7 * (weeks - week))
        ranked = rank_contacts(store, top=None, now=day)
        fresh = ranked[~ranked["contact_id"].isin(contacted)]
        # The app's top picks, and the places it gives to learning at their share of its first page
        # (1 in EVERY): people already written to still hold places there, so taking fresh rows in
        # order would make every other pick an exploration one.
        learn = min(int(fresh["to_learn"].sum()), round(per_week / EVERY))
        fresh = pd.concat([fresh[fresh["to_learn"]].head(learn), fresh[~fresh["to_learn"]].head(per_week - learn)])
        items = []
        for cid, gid, to_learn in zip(fresh["contact_id"], fresh["goal_id"], fresh["to_learn"], strict=True):
            k = index.get_loc(int(cid))
            items.append({"contact_id": int(cid), "goal_id": None if pd.isna(gid) else int(gid), "kind": "outreach",
                          "channel": people["channel"].iat[k],
                          "occurred_on": day + timedelta(days=int(rng.integers(0, 5))),
                          "outcome": _outcome(rng, rng.random() < chance[k]),
                          "message_length": int(rng.integers(120, 1200))})
            contacted.add(int(cid))
            if to_learn:
                explored.add(int(cid))
        store.interactions.log_many(items)
    return {"contacted": contacted, "explored": explored}


def _top(ranking: pd.DataFrame, contacted: set, top: int = TOP) -> np.ndarray:
    fresh = ranking[~ranking["contact_id"].isin(contacted)].drop_duplicates("contact_id")
    return fresh["contact_id"].head(top).to_numpy()


def _calibration(ranker, model, goals, now, contacted: set, chance: pd.Series) -> dict:
    """Brier score and reliability bins of the model's P(reply) for uncontacted contacts that fit a
    goal, each under the goal it fits best."""
    from engine.ranking.signals import day_of

    scores = ranker._scores(goals, now)
    contributions = {c: np.ascontiguousarray(v.T) for c, v in scores.contributions.items()}  # goal-major
    options = [scores.options[ids[0]] for ids in scores.goal_options]
    proba = model.ranking_proba(ranker, contributions, scores.signals, options, day_of(now))
    fit = sum(contributions[c] for c in FIT)
    best = np.argmax(fit, axis=0)
    ids = np.asarray(ranker.contact_ids_)
    keep = (fit.max(axis=0) > 0) & ~np.isin(ids, list(contacted))
    estimate = proba[best, np.arange(len(ids))][keep]
    truth = chance.reindex(ids[keep]).to_numpy()
    if len(estimate) < 5:  # a small network written to nearly whole: nobody left to judge
        return {"brier": float("nan"), "brier_constant": float("nan"), "reliability": [], "spearman": float("nan")}
    brier = float(np.mean((estimate - truth) ** 2 + truth * (1 - truth)))  # E[(estimate - Y)^2], Y ~ truth
    constant = float(np.mean(truth * (1 - truth) + (truth.mean() - truth) ** 2))
    bins = pd.qcut(pd.Series(estimate).rank(method="first"), 5, labels=False)
    curve = pd.DataFrame({"estimate": estimate, "truth": truth, "bin": bins}).groupby("bin").agg(
        estimate=("estimate", "mean"), truth=("truth", "mean"), n=("truth", "size"))
    return {"brier": brier, "brier_constant": constant,
            "reliability": [(round(float(e), 3), round(float(t), 3), int(k))
                            for e, t, k in curve.itertuples(index=False)],
            "spearman": float(pd.Series(estimate).corr(pd.Series(truth), method="spearman"))
            if np.ptp(estimate) > 0 else float("nan")}  # a flat estimate orders nobody


def _truth_auc(store, status: dict, chance: pd.Series) -> float:
    """The AUC the hidden chance itself reaches on the backtest's held-out outcomes: the ceiling
    of any model's (the outcomes are draws from it)."""
    from sklearn.metrics import roc_auc_score

    result = status.get("backtest")
    if not result:
        return float("nan")
    log = store.interactions.frame()
    later = log[pd.to_datetime(log["occurred_on"]) >= pd.Timestamp(result["split_on"])]
    replied = later["outcome"].isin(["replied", "meeting"]).to_numpy()
    return float(roc_auc_score(replied, chance.reindex(later["contact_id"].to_numpy()).to_numpy()))


def run(truth: str, seed: int, weeks: int = WEEKS, per_week: int = PER_WEEK, n_contacts: int = N_CONTACTS,
        folder: Path | None = None) -> dict:
    """One simulated user; the measures of the module docstring."""
    if folder is None:
        with tempfile.TemporaryDirectory() as tmp:
            return run(truth, seed, weeks, per_week, n_contacts, Path(tmp))
    from engine.outreach.learning import learned_ranker
    from engine.outreach.opportunities import contact_ranker, learning_ranker

    rng = _seed_rng(truth, seed)
    store, people = world(folder, seed, n_contacts)
    systematic = hidden_chance(people, truth, _seed_rng(truth, seed), noise=False)
    chance = hidden_chance(people, truth, rng)
    lived = live(store, people, chance, rng, weeks, per_week)
    contacted = lived["contacted"]
    now = END
    goals = store.goals.all()
    ranker = contact_ranker(store, now)[0]
    learned, _, _, status = learning_ranker(store, goals, now)
    truth_of = pd.Series(chance, index=people["id"].to_numpy())
    oracle = learned_ranker(ranker, Oracle(people["id"].to_numpy(), chance).fit())
    # the best a model could learn: the oracle without each person's own noise, which no fact shows
    knowable = learned_ranker(ranker, Oracle(people["id"].to_numpy(), systematic).fit())
    scores = ranker.score(goals, now)
    fit = scores[FIT].sum(axis=1).groupby(scores["contact_id"]).max()
    rankers = {"fit_only": ranker, "learned": learned, "oracle": oracle, "knowable": knowable}
    out = {"truth": truth, "seed": seed, "outcomes": status["outcomes"], "reply_rate": status["reply_rate"],
           "learning": status["learning"], "explored": len(lived["explored"]) / max(len(contacted), 1),
           "auc": (status.get("backtest") or {}).get("auc", float("nan")),
           "auc_truth": _truth_auc(store, status, truth_of)}
    for scope, goal_id in (("all", None), *((f"goal{i + 1}", g["id"]) for i, g in enumerate(goals))):
        tops = {name: _top(r.rank(goals, now, goal_id=goal_id), contacted) for name, r in rankers.items()}
        rate = {name: float(truth_of[ids].mean()) for name, ids in tops.items()}
        gap = rate["oracle"] - rate["fit_only"]
        suffix = "" if scope == "all" else f"_{scope}"
        out.update({f"rate_{k}{suffix}": v for k, v in rate.items()})
        out[f"lift{suffix}"] = rate["learned"] / rate["fit_only"]
        out[f"gap_closed{suffix}"] = (rate["learned"] - rate["fit_only"]) / gap if gap > 1e-9 else float("nan")
        known = rate["knowable"] - rate["fit_only"]
        out[f"knowable_closed{suffix}"] = (rate["learned"] - rate["fit_only"]) / known if known > 1e-9 else float("nan")
        out[f"relevance_kept{suffix}"] = float(fit[tops["learned"]].mean() / fit[tops["fit_only"]].mean())
    if status["learning"]:
        out.update(_calibration(ranker, learned.response_model, goals, now, contacted, truth_of))
    return out


def pooled_gap_closed(results: pd.DataFrame, oracle: str = "rate_oracle") -> float:
    """The share of the oracle gap closed over several runs, as the gap summed over them: (sum of
    learned - fit-only) / (sum of oracle - fit-only). A run whose oracle top 20 is hardly better
    than the fit-only one (every recent connection that fits already written to, say) has a gap
    of a hundredth, and its own ratio, anywhere from -50% to +90%, would weigh in a plain mean of
    ratios as much as a run with a real gap."""
    gap = (results[oracle] - results["rate_fit_only"]).sum()
    return float((results["rate_learned"] - results["rate_fit_only"]).sum() / gap) if gap > 1e-9 else float("nan")


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Per ground truth: mean (and min) of the measures over seeds; ``gap_closed`` pooled
    (``pooled_gap_closed``), ``gap_closed_mean`` the plain mean of the runs' own ratios."""
    table = results.groupby("truth", sort=False).agg(
        seeds=("seed", "size"), lift=("lift", "mean"), lift_min=("lift", "min"),
        lift_hiring=("lift_goal1", "mean"), lift_referral=("lift_goal2", "mean"),
        gap_closed_mean=("gap_closed", "mean"), relevance=("relevance_kept", "mean"),
        relevance_min=("relevance_kept", "min"), auc=("auc", "mean"), auc_truth=("auc_truth", "mean"),
        brier=("brier", "mean"),
        brier_constant=("brier_constant", "mean"), spearman=("spearman", "mean"),
        fit_only=("rate_fit_only", "mean"), learned=("rate_learned", "mean"), oracle=("rate_oracle", "mean"),
        explored=("explored", "mean"))
    table.insert(5, "gap_closed", results.groupby("truth", sort=False)[
        ["rate_oracle", "rate_fit_only", "rate_learned"]].apply(pooled_gap_closed))
    if "rate_knowable" in results:
        table.insert(6, "knowable_closed", results.groupby("truth", sort=False)[
            ["rate_knowable", "rate_fit_only", "rate_learned"]].apply(pooled_gap_closed, oracle="rate_knowable"))
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0,
                        help="the first seed: 10 and up are seeds the learner was never tuned on")
    parser.add_argument("--truth", choices=TRUTHS, action="append")
    parser.add_argument("--contacts", type=int, default=N_CONTACTS)
    args = parser.parse_args(argv)
    os.environ.setdefault("RAPPORT_MODEL_CACHE", "0")  # each simulated user is new: nothing to keep
    results = []
    for truth in args.truth or TRUTHS:
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            results.append(run(truth, seed, n_contacts=args.contacts))
            r = results[-1]
            print(f"{truth} seed {seed}: lift {r['lift']:.2f}, gap closed {r['gap_closed']:.2f}, "
                  f"relevance {r['relevance_kept']:.2f}, auc {r['auc']:.2f}", file=sys.stderr, flush=True)
    frame = pd.DataFrame(results)
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 30)
    table = summary(frame)
    print(table.round(3).to_string())
    overall = frame[["lift", "gap_closed", "relevance_kept", "auc", "auc_truth", "brier", "brier_constant"]].mean()
    print(f"\nall truths: lift {overall['lift']:.2f}x (target >= 1.25), "
          f"oracle gap closed {pooled_gap_closed(frame):.0%} (target >= 50%; "
          f"mean of the runs' own ratios {overall['gap_closed']:.0%}; of the gap to the oracle without each "
          f"person's own noise, which no fact shows: {pooled_gap_closed(frame, 'rate_knowable'):.0%}), "
          f"relevance kept min {frame['relevance_kept'].min():.2f} (target >= 0.8 in every seed), "
          f"backtest AUC {overall['auc']:.2f} (target >= 0.70; the hidden chance itself: {overall['auc_truth']:.2f}), "
          f"Brier {overall['brier']:.3f} "
          f"(constant {overall['brier_constant']:.3f})")
    print(f"\nreliability (mean estimate, mean hidden chance, n) per truth, seed {args.first_seed}:")
    for row in frame[frame["seed"] == args.first_seed].itertuples():
        print(f"  {row.truth}: {getattr(row, 'reliability', None)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
