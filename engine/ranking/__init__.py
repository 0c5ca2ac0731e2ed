"""Rapport's ranking engine: which contacts and events serve the user's goals, and why.

Everything here works on plain pandas DataFrames and lists of dicts passed in by the caller; it
never imports Streamlit, never opens the database and never reads the clock (``now`` is always
an argument, so a ranking is reproducible).

Inputs
------
contacts : pandas.DataFrame, one row per contact. Any optional column may be absent (it is then
    treated as empty / NaN):

    - id (int), full_name (str), company (str), position (str)
    - tags (list/tuple of str or None), notes (str or None)
    - strength (0-5 int or NaN): how strong the relationship is
    - relationship (str or None): mentor, referral source, hiring manager, recruiter, peer
    - connected_on, last_interaction, job_changed_on (datetime64 or NaT)
    - replies (int): past replies / meetings; outreach_count (int): messages sent
    - cadence_days (int or NaN): desired keep-in-touch interval
    - times_recommended (int): times shown in the top list without being acted on

goals : list of dicts with id, title, outcome (referral, mentorship, learn, clients, hiring,
    visibility, other), description, target_roles, seniority, industries, companies, locations
    (lists of str), priority (1-5, higher is more important), status (active, paused,
    completed, archived) and segments: list of dicts {id, name, roles, seniority, companies,
    industries, keywords, relationship}. Only ``status == "active"`` goals count.

events : pandas.DataFrame with id, title, kind (conference, meetup, webinar, online group,
    job fair, other), starts_at (datetime64), online (bool), location, cost (float or NaN),
    topics (list of str), audience, description.

now : a datetime (or Timestamp / ISO string) for "today".

Interface
---------
Fit once on the slow-changing data, then score as often as goals change:

- ``OpportunityRanker().fit(contacts)``, then
  ``.rank(goals, now, top=None, goal_id=None, segment_id=None)``: one row per contact, best
  first: contact_id, full_name, goal_id, goal_title, segment_id, segment_name, score (weighted by
  goal priority), reasons (list of str), next_step (str);
  ``.score(goals, now)``: one row per (contact, active goal): contact_id, goal_id, segment_id,
  score and the contribution of each component (text, company, seniority, relationship, warmth,
  timing, fatigue), which sum to score;
  ``.explain(contact_id, goals, now, goal_id=None)``: dict with goal_id, score, contributions
  [(factor, value, detail)] summing to score, matched_terms, reasons, next_step.
- ``EventRanker().fit(events)``, then ``.rank(goals, now, top=None)`` (upcoming events only:
  event_id, title, kind, starts_at, goal_id, goal_title, segment_id, segment_name, score,
  reasons, next_step) and ``.explain(event_id, goals, now)``.
- metrics.py: ``ndcg_at_k``, ``precision_at_k``, ``ndcg_for_ranking`` to hold rankings to a number.
"""

from .company_names import normalize_company
from .events import EventRanker
from .metrics import ndcg_at_k, ndcg_for_ranking, precision_at_k
from .ranker import OpportunityRanker
from .titles import normalize_title, parse_seniority

__all__ = [
    "EventRanker",
    "OpportunityRanker",
    "ndcg_at_k",
    "ndcg_for_ranking",
    "normalize_company",
    "normalize_title",
    "parse_seniority",
    "precision_at_k",
]
