"""The plan a review is built from: goals, templates, dismissed flags, pitches and cadences.

Read on every call (they are small), so an edit shows at once, and part of the key of everything
built from them. Apart from the review so that Home can key its kept flags (``kept_flags``)
without loading the audiences, the ranking and scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.outreach.messages import workspace_templates
from engine.planning.followups import cadences_of
from engine.store import Store


@dataclass
class Plan:
    goals: list[dict]
    templates: list[dict]
    usage: dict[int, int]
    dismissed: dict[str, str]
    pitches_by_goal: dict[int, int]
    cadences: dict

    @property
    def active(self) -> list[dict]:
        return [g for g in self.goals if g["status"] == "active"]

    def key(self) -> str:
        return repr((self.goals, self.templates, sorted(self.usage.items()), sorted(self.dismissed.items()),
                     sorted(self.pitches_by_goal.items()), sorted(self.cadences.items())))


def read_plan(store: Store) -> Plan:
    goals = store.goals.all()
    general_pitch = bool(store.pitches.all(None))
    return Plan(goals=goals, templates=workspace_templates(store), usage=store.templates.usage(),
                dismissed=store.flags.dismissed(),
                pitches_by_goal={g["id"]: len(store.pitches.all(g["id"])) or int(general_pitch) for g in goals},
                cadences=cadences_of(store.settings.tag_cadences()))
