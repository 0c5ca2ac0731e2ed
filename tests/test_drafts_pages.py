"""AppTest of the draft in the outreach panel and of the profile in Settings, on a real workspace file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.importers.archive import OWNER_SETTING
from engine.outreach.drafts import Profile, read_profile, save_profile
from engine.outreach.messages import workspace_templates
from engine.store import Store
from tests.conftest import parsed_contacts
from tests.test_pages import open_page
from ui.common import plain

JO = {"first_name": "Jo", "last_name": "Park", "full_name": "Jo Park", "company": "Stripe",
      "position": "Staff engineer", "email": "jo@example.com"}


def _panel() -> None:  # run by AppTest as a script of its own: imports inside
    import os

    from engine.store import Store
    from ui.outreach_panel import outreach_panel

    workspace = Store(os.environ["RAPPORT_DB"])
    contact = workspace.contacts.get(int(os.environ["DRAFT_CONTACT"]))
    outreach_panel(workspace, contact, int(os.environ["DRAFT_GOAL"]), key="t")


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Store:
    store = Store(tmp_path / "drafts.duckdb")
    store.imports.save_contacts(parsed_contacts([JO]))
    goal_id = store.goals.add({"title": "Referral into a product manager role", "target_roles": ["product manager"],
                               "companies": ["Stripe"], "description": "https://jobs.example.com/pm"})
    monkeypatch.setenv("RAPPORT_DB", str(store.path))
    monkeypatch.setenv("DRAFT_CONTACT", str(int(store.contacts.find()[0]["id"].iloc[0])))
    monkeypatch.setenv("DRAFT_GOAL", str(goal_id))
    return store


def _open_draft(workspace: Store, template_name: str, channel: str = "email") -> AppTest:
    app = AppTest.from_function(_panel, default_timeout=60).run()
    app.selectbox(key="t_channel").set_value(channel).run()
    template = app.selectbox(key="t_template")
    assert template_name in template.options, template.options  # the name once, no "(referral ask)"
    # AppTest sets a selectbox by its value (the template id), not by the text shown
    template.set_value(next(t["id"] for t in workspace_templates(workspace) if t["name"] == template_name)).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_the_draft_shows_role_company_and_name_and_says_where_to_write_the_pitch(workspace):
    save_profile(workspace, Profile(name="Sam Lee"))
    app = _open_draft(workspace, "Referral ask")
    assert not [o for o in app.selectbox(key="t_template").options if "(" in o]
    subject = app.text_input[0].value
    assert subject == "Referral for the product manager role at Stripe?"
    text = app.text_area[0].value
    assert "the product manager role there (https://jobs.example.com/pm)" in text
    assert text.endswith("Thank you,\nSam Lee")
    assert [w.value for w in app.warning] == ["Still to fill before sending:\n- "
                                              + plain("your pitch: write it on Pitch & templates")]
    assert any(b.label == "Write your pitch for this goal" for b in app.button)
    assert any(c.value.startswith(f"{len(text):,} characters · no length limit for E-mail") for c in app.caption)
    assert app.code[0].value == f"Subject: {subject}\n\n{text}"
    link = next(b for b in app.get("link_button"))
    assert link.proto.url.startswith("mailto:jo@example.com?subject=Referral%20for%20the%20product%20manager")


def test_an_edited_draft_is_what_gets_logged_its_text_only_when_kept(workspace):
    app = _open_draft(workspace, "Follow-up nudge", channel="linkedin_message")
    assert app.text_area[0].proto.max_chars == 8000  # the browser counts as the user types
    edited = "Hi Jo, a short nudge about my note. Sam"
    app.text_area[0].input(edited).run()
    assert any(c.value.startswith(f"{len(edited)} characters of the 8,000 a LinkedIn message allows")
               for c in app.caption)
    assert app.code[0].value == edited
    app.button(key="FormSubmitter:t_log-Log outreach").click().run()
    assert not app.exception
    logged = Store(workspace.path).interactions.frame().iloc[-1]
    assert logged["message_length"] == len(edited)
    assert logged["message_text"] is None or logged["message_text"] != logged["message_text"]  # private by default
    assert logged["template"] == "Follow-up nudge"

    Store(workspace.path).settings.set("keep_message_texts", "1")
    app = _open_draft(workspace, "Follow-up nudge", channel="linkedin_message")
    app.text_area[0].input(edited).run()
    app.button(key="FormSubmitter:t_log-Log outreach").click().run()
    assert Store(workspace.path).interactions.frame().iloc[-1]["message_text"] == edited


def test_an_invitation_note_counts_to_its_limit_and_an_over_long_draft_is_flagged(workspace):
    app = _open_draft(workspace, "LinkedIn connection note", channel="linkedin_connection")
    assert app.text_area[0].proto.max_chars == 300  # the browser stops the user at LinkedIn's limit
    goal = workspace.goals.all()[0]
    workspace.goals.update(goal["id"], {"target_roles": ["principal " + "very " * 60 + "senior product manager"]})
    app = _open_draft(workspace, "LinkedIn connection note", channel="linkedin_connection")
    over = len(app.text_area[0].value) - 300
    assert over > 0 and not app.text_area[0].proto.max_chars  # editable, to be shortened
    assert [e.value for e in app.error] == [f"{over} characters over the 300-character limit of a LinkedIn "
                                            "invitation: shorten it."]


def test_settings_profile_starts_from_the_archive_owner_and_saves(workspace, monkeypatch):
    workspace.settings.set(OWNER_SETTING, json.dumps({"name": "Sam Owner", "url": ""}))
    app = open_page("ui/settings.py", Path(workspace.path), monkeypatch)
    name = next(t for t in app.text_input if t.label == "Your name")
    assert name.value == "Sam Owner"
    name.input("Sam Lee")
    next(t for t in app.text_input if t.label.startswith("Schools")).input("TU Munich, ETH")
    next(t for t in app.text_input if t.label.startswith("Groups")).input("PyData")
    next(c for c in app.checkbox if c.label == "Keep the texts of messages I log or import").check()
    next(b for b in app.button if b.label == "Save profile").click().run()
    assert not app.exception
    saved = Store(workspace.path)
    assert read_profile(saved) == Profile(name="Sam Lee", schools=("TU Munich", "ETH"), groups=("PyData",))
    assert saved.settings.get("keep_message_texts") == "1"


def test_settings_offers_every_time_zone_and_saves_the_one_chosen(workspace, monkeypatch):
    """The zones are read once per process (engine.clock.time_zones); the list is still the computer's."""
    from zoneinfo import available_timezones

    app = open_page("ui/settings.py", Path(workspace.path), monkeypatch)
    zone = next(s for s in app.selectbox if s.label == "Follow-ups come due by the calendar of")
    assert zone.options == ["this computer's time zone", *sorted(available_timezones())]
    zone.set_value("Africa/Lagos").run()
    assert not app.exception
    assert Store(workspace.path).settings.get("timezone") == "Africa/Lagos"
    app.run()  # a rerun shows the zone saved
    assert next(s for s in app.selectbox if s.label == "Follow-ups come due by the calendar of").value == "Africa/Lagos"


def test_pitch_page_opens_on_the_goal_the_draft_asked_for(workspace, monkeypatch):
    goal_id = int(workspace.goals.all()[0]["id"])
    monkeypatch.setenv("RAPPORT_DB", str(workspace.path))
    app = AppTest.from_file(str(Path(__file__).parents[1] / "app.py"), default_timeout=60)
    app.session_state["pitch_goal"] = goal_id
    app.run()
    app.switch_page("ui/messages.py").run()
    assert not app.exception
    assert app.selectbox(key="pitch_goal").value == goal_id
    template_choice = app.selectbox(key="template_choice")
    assert all("(" not in o and "used 1 times" not in o for o in template_choice.options)
    assert any(o.endswith("· not used yet") for o in template_choice.options)
    assert workspace_templates(workspace)  # the starter set is there
