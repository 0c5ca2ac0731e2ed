"""Do ten "good fit" / "not a fit" marks make a goal's ranking better? A simulation.

A labeled set is generated whose relevance for the goal comes from hidden rules the goal does not
state: the user typed "data scientist" for a mentor goal, but means data people *in healthcare*
(relevance 3); data people elsewhere and healthcare people in other roles are of some use (1);
the rest none (0). Companies and tags carry the industry the way real ones do (words such as
Health, Clinic, Medical in names; an industry tag on some contacts), never a label.

The simulated user looks at the top of the goal's ranking and marks the first ``marks`` contacts:
good fit when relevance >= 2, not a fit otherwise. NDCG@20 is then measured on the contacts left
unmarked (the marked ones are known to the user: lifting them proves nothing), before and after
the marks re-rank the goal through the same code Outreach uses
(engine.outreach.opportunities.feedback_order).

    python -m benchmarks.feedback_sim          # several seeds, the mean rise
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from engine.outreach.opportunities import feedback_order
from engine.ranking import OpportunityRanker
from engine.ranking.metrics import ndcg_for_ranking

NOW = pd.Timestamp("2025-06-01 09:00")
ROLES = {
    "data": ["Data Scientist", "Senior Data Scientist", "Machine Learning Engineer", "Data Analyst",
             "Lead Data Scientist", "Head of Data Science", "Applied Scientist"],
    "engineering": ["Software Engineer", "Senior Software Engineer", "Engineering Manager", "Backend Developer"],
    "product": ["Product Manager", "Senior Product Manager", "Product Owner"],
    "sales": ["Account Executive", "Sales Manager", "Business Development Representative"],
    "people": ["Recruiter", "Talent Acquisition Partner", "HR Business Partner"],
}
ROLE_SHARE = {"data": 0.3, "engineering": 0.25, "product": 0.15, "sales": 0.15, "people": 0.15}
INDUSTRIES = {
    "healthcare": (["Health", "Medical", "Clinic", "Care", "Hospital"], ["Mercy", "Northwind", "Blue River",
                                                                         "Summit", "Lakeside", "Cedar"]),
    "fintech": (["Pay", "Bank", "Capital", "Ledger", "Finance"], ["Harbor", "Atlas", "Quartz", "Orbit", "Crest"]),
    "retail": (["Retail", "Stores", "Market", "Goods"], ["Bright", "Urban", "Maple", "Golden", "Prairie"]),
    "media": (["Media", "Studios", "News", "Games"], ["Pixel", "Echo", "Nova", "Vivid", "Signal"]),
}
INDUSTRY_SHARE = {"healthcare": 0.2, "fintech": 0.3, "retail": 0.25, "media": 0.25}
GOAL = {"id": 1, "title": "Find a data science mentor", "outcome": "mentorship", "description": "",
        "target_roles": ["Data Scientist"], "seniority": [], "industries": [], "companies": [], "locations": [],
        "priority": 3, "status": "active", "segments": []}


def labeled_contacts(seed: int, n: int = 600, hidden: bool = True) -> tuple[pd.DataFrame, dict[int, int]]:
    """``n`` generated contacts and their hidden relevance (0-3) for GOAL; ``hidden=False``: the goal
    says it all (data scientists most, then ML people, then other data roles), the control where marks
    must not hurt."""
    rng = np.random.default_rng(seed)
    families = rng.choice(list(ROLE_SHARE), size=n, p=list(ROLE_SHARE.values()))
    industries = rng.choice(list(INDUSTRY_SHARE), size=n, p=list(INDUSTRY_SHARE.values()))
    rows, relevance = [], {}
    for i, (family, industry) in enumerate(zip(families, industries), start=1):
        words, names = INDUSTRIES[industry]
        company = f"{rng.choice(names)} {rng.choice(words)}"
        tags = [industry] if rng.random() < 0.4 else []
        rows.append({"id": i, "full_name": f"Person {i}", "company": company,
                     "position": str(rng.choice(ROLES[family])), "tags": tags, "notes": None,
                     "strength": float(rng.integers(0, 6)), "relationship": None,
                     "connected_on": NOW - pd.Timedelta(days=int(rng.integers(30, 2000))),
                     "last_interaction": pd.NaT, "replies": 0, "outreach_count": 0, "cadence_days": np.nan,
                     "job_changed_on": pd.NaT, "times_recommended": 0})
        if hidden:
            relevance[i] = 3 if (family == "data" and industry == "healthcare") else \
                1 if (family == "data" or industry == "healthcare") else 0
        else:
            title = rows[-1]["position"]
            relevance[i] = 3 if "Data Scientist" in title else 2 if title in ("Machine Learning Engineer",
                                                                              "Applied Scientist") \
                else 1 if family == "data" else 0
    frame = pd.DataFrame(rows)
    for column in ("connected_on", "last_interaction", "job_changed_on"):
        frame[column] = pd.to_datetime(frame[column])
    return frame, relevance


def simulate(seed: int = 0, n: int = 600, marks: int = 10, k: int = 20, hidden: bool = True) -> dict:
    """NDCG@k of the goal's ranking on the unmarked contacts, before and after ``marks`` marks."""
    contacts, relevance = labeled_contacts(seed, n, hidden)
    ranker = OpportunityRanker().fit(contacts)
    ranked = ranker.rank([GOAL], NOW, goal_id=GOAL["id"])
    shown = ranked["contact_id"].head(marks).tolist()
    given = {int(c): ("good" if relevance[int(c)] >= 2 else "bad") for c in shown}
    after = feedback_order(ranked, {GOAL["id"]: given}, [GOAL], ranker, NOW, ("simulation", seed))
    rest = {c: r for c, r in relevance.items() if c not in given}

    def ndcg(frame):
        return ndcg_for_ranking([c for c in frame["contact_id"] if c not in given], rest, k)

    return {"seed": seed, "marks": len(given), "good": sum(f == "good" for f in given.values()),
            "ndcg_before": ndcg(ranked), "ndcg_after": ndcg(after)}


def main(argv: list[str]) -> int:
    seeds = range(int(argv[0]) if argv else 5)
    for hidden in (True, False):
        print("hidden preference (healthcare)" if hidden else "control: the goal states what is relevant")
        for marks in (1, 3, 10):
            results = [simulate(seed, marks=marks, hidden=hidden) for seed in seeds]
            if marks == 10:
                for r in results:
                    print(f"  seed {r['seed']}: {r['marks']} marks ({r['good']} good): NDCG@20 "
                          f"{r['ndcg_before']:.3f} -> {r['ndcg_after']:.3f}")
            before = np.mean([r["ndcg_before"] for r in results])
            after = np.mean([r["ndcg_after"] for r in results])
            print(f"  {marks:>2} marks, mean over {len(results)} seeds: NDCG@20 {before:.3f} -> {after:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
