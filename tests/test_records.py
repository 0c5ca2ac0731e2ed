"""Records a person can fix: logged interactions edited, deleted and put back; duplicates merged."""

from __future__ import annotations

from datetime import date

import pytest

from engine.errors import NotFound, UserError
from engine.store import Store


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "w.duckdb")


def _contacts(store: Store) -> tuple[int, int]:
    from engine.importers.files import import_file

    path = store.path.parent / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ada,Lovelace,https://www.linkedin.com/in/ada-l,,Analytical Engines,Data Scientist,01 Mar 2024\n"
        "Ada,Lovelace (work),,ada@engines.example,Analytical Engines,,\n", encoding="utf-8")
    import_file(store, path)
    frame, _ = store.contacts.find()
    ids = dict(zip(frame["full_name"], frame["id"], strict=True))
    return int(ids["Ada Lovelace"]), int(ids["Ada Lovelace (work)"])


def test_an_interaction_is_corrected_deleted_and_put_back(store):
    keep, _ = _contacts(store)
    iid = store.interactions.log({"contact_id": keep, "kind": "outreach", "channel": "email",
                                  "occurred_on": date(2026, 11, 2), "notes": "first try"})
    version = store.data_version()
    store.interactions.update(iid, channel="linkedin_message", outcome="replied", occurred_on="2026-11-03",
                              notes="asked about the team")
    row = store.interactions.get(iid)
    assert (row["channel"], row["outcome"], row["occurred_on"], row["notes"]) == (
        "linkedin_message", "replied", date(2026, 11, 3), "asked about the team")
    assert store.data_version() > version  # the ranking sees the correction
    with pytest.raises(UserError, match="follow-up date"):
        store.interactions.update(iid, follow_up_on=date(2026, 10, 1))
    with pytest.raises(UserError, match="channel"):
        store.interactions.update(iid, channel="pigeon")
    with pytest.raises(UserError, match="no field"):
        store.interactions.update(iid, contact_id=99)
    assert store.interactions.get(iid)["channel"] == "linkedin_message"  # nothing half-written
    removed = store.interactions.delete(iid)
    assert store.interactions.timeline(keep).empty
    with pytest.raises(NotFound):
        store.interactions.get(iid)
    store.interactions.restore(removed)
    assert store.interactions.get(iid)["notes"] == "asked about the team"


def test_a_duplicate_merges_into_the_kept_contact_with_its_history(store):
    keep, dup = _contacts(store)
    goal = store.goals.add({"title": "Data mentor", "outcome": "mentorship", "target_roles": ["data scientist"]})
    store.contacts.update(keep, tags=["Work"], strength=2)
    store.contacts.update(dup, tags=["Conference"], strength=4, notes="met at PyData")
    store.interactions.log({"contact_id": dup, "kind": "outreach", "channel": "email", "occurred_on": date(2026, 9, 1)})
    store.feedback.mark(goal, dup, "good")
    before = store.contacts.count()
    store.contacts.merge(dup, keep)
    assert store.contacts.count() == before - 1 and store.contacts.get(dup) is None
    kept = store.contacts.get(keep)
    assert kept["tags"] == ["Conference", "Work"] and kept["strength"] == 4
    assert kept["email"] == "ada@engines.example" and kept["notes"] == "met at PyData"
    assert kept["linkedin_url"] == "https://www.linkedin.com/in/ada-l"
    assert len(store.interactions.timeline(keep)) == 1
    assert store.feedback.marks()[goal][keep] == "good"
    with pytest.raises(UserError, match="itself"):
        store.contacts.merge(keep, keep)
    with pytest.raises(NotFound):
        store.contacts.merge(dup, keep)


def test_the_command_line_merges_and_refuses_in_one_line(store):
    import json
    import subprocess
    import sys

    keep, dup = _contacts(store)

    def rapport(*args):
        return subprocess.run([sys.executable, "-m", "engine", *args, "--db", str(store.path)],
                              capture_output=True, text=True, timeout=120)

    done = rapport("contacts", "merge", str(dup), str(keep), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"merged": dup, "into": keep}
    assert store.contacts.get(dup) is None
    again = rapport("contacts", "merge", str(dup), str(keep))
    assert again.returncode != 0 and again.stderr.strip().count("\n") == 0
    assert f"no contact with id {dup}" in again.stderr
