"""Drafts worth sending: filled from the goal, the pitch, the profile and what two people share; gaps named
with where to fill them; the edited text is what the log keeps (its text only when the user keeps texts)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from engine.importers.archive import OWNER_SETTING
from engine.outreach.drafts import (
    Profile,
    build_draft,
    draft,
    goal_values,
    keeps_texts,
    read_profile,
    save_profile,
    sent_record,
    set_keeps_texts,
    shared_contexts,
)
from engine.outreach.messages import STARTER_TEMPLATES, workspace_templates
from tests.conftest import parsed_contacts

REFERRAL = next(t for t in STARTER_TEMPLATES if t["name"] == "Referral ask")
COFFEE = next(t for t in STARTER_TEMPLATES if t["name"] == "Mentor coffee ask")
GOAL = {"id": 1, "title": "Referral into a product manager role", "target_roles": ["product manager"],
        "companies": ["Stripe", "Adyen"], "description": "Posting: https://jobs.example.com/pm-123."}
JO = {"id": 1, "first_name": "Jo", "full_name": "Jo Park", "company": "Stripe", "position": "Staff engineer",
      "tags": ["TU Munich", "Work"]}
SAM = Profile(name="Sam Lee", companies=("Paywise", "Globex"), schools=("TU Munich",))


def add_contact(store, person: dict) -> int:
    store.imports.save_contacts(parsed_contacts([person]))
    return int(store.contacts.find()[0]["id"].max())


def test_a_referral_draft_names_the_role_the_company_the_link_the_pitch_and_the_sender():
    out = draft(REFERRAL, JO, "email", GOAL, pitch="I build payment products.", profile=SAM)
    assert out.message.subject == "Referral for the product manager role at Stripe?"
    assert "I'm applying for the product manager role there (https://jobs.example.com/pm-123)" in out.message.text
    assert "Why I think it's a fit: I build payment products." in out.message.text
    assert out.message.text.endswith("Thank you,\nSam Lee")
    assert "?]" not in out.message.text
    assert out.to_fill == [] and out.has_pitch


def test_each_gap_is_listed_with_where_to_fill_it():
    out = draft(REFERRAL, {"first_name": "Jo"}, "email", {"id": 2, "title": "Referral"})
    assert [name for name, _ in out.to_fill] == ["role", "company", "job_link", "my_pitch", "signature"]
    where = dict(out.to_fill)
    assert where["job_link"] == "job link: paste the posting's link into the goal's description on Goals"
    assert where["role"] == "the role: add a target role to the goal on Goals"
    assert where["my_pitch"] == "your pitch: write it on Pitch & templates"
    assert where["signature"] == "your sign-off: add your name to your profile in Settings"
    assert where["company"] == "their company: edit the contact on Contacts"
    custom = draft({"body": "See you at {venue}."}, JO)
    assert custom.to_fill == [("venue", "venue: type it into the draft")]


def test_the_signature_follows_a_closing_line_only_and_a_sign_off_replaces_the_name():
    signed = draft(COFFEE, JO, "linkedin_message", GOAL, profile=Profile(name="Sam Lee", sign_off="Sam\n+44 20 0000"))
    assert signed.message.text.endswith("Thank you,\nSam\n+44 20 0000")
    note = draft({"body": "Hi {first_name}, glad we met."}, JO, profile=SAM)
    assert note.message.text == "Hi Jo, glad we met."  # no closing line: nothing added
    named = draft({"body": "Cheers,\n{my_first_name}"}, JO, profile=SAM)
    assert named.message.text == "Cheers,\nSam"  # the template names the sender itself: no second signature


def test_the_goal_company_is_theirs_when_they_work_at_one_else_all_of_them():
    assert goal_values(GOAL, {"company": "Stripe, Inc."})["role_company"] == "Stripe"
    assert goal_values(GOAL, {"company": "Globex"})["role_company"] == "Stripe or Adyen"
    assert goal_values({**GOAL, "companies": ["A", "B", "C"]}, {})["role_company"] == "A, B or C"
    assert goal_values(None, JO) == {"role": "", "role_company": "", "job_link": ""}


def test_shared_context_from_companies_schools_and_events():
    assert shared_contexts({"company": "paywise"}, SAM) == ["we both work at Paywise"]
    assert shared_contexts({"company": "Globex"}, SAM) == ["we both worked at Globex"]
    assert shared_contexts(JO, SAM, ["Fintech Week"]) == ["we both studied at TU Munich",
                                                          "we were both at Fintech Week"]
    assert shared_contexts(JO, Profile()) == []
    assert shared_contexts({"tags": ["women in product"]}, Profile.typed(groups=" Women in Product, PyData ")) == [
        "we're both part of Women in Product"]
    out = draft(COFFEE, JO, "linkedin_message", GOAL, profile=SAM)
    assert "I noticed we both studied at TU Munich, so" in out.message.text
    typed = draft(COFFEE, JO, "linkedin_message", GOAL, profile=SAM, shared_context="we both love chess")
    assert "I noticed we both love chess, so" in typed.message.text


def test_the_profile_name_falls_back_to_the_archive_owner_and_is_kept_once_saved(store):
    assert read_profile(store) == Profile()
    store.settings.set(OWNER_SETTING, json.dumps({"name": "Sam Owner", "url": "in/sam"}))
    assert read_profile(store).name == "Sam Owner"
    save_profile(store, Profile.typed(" Sam Lee ", "Sam", "Paywise", "TU Munich", "PyData, Women in Product"))
    assert read_profile(store) == Profile(name="Sam Lee", sign_off="Sam", companies=("Paywise",),
                                          schools=("TU Munich",), groups=("PyData", "Women in Product"))
    store.settings.set(OWNER_SETTING, "not json")
    save_profile(store, Profile())
    assert read_profile(store).name == ""


def test_build_draft_reads_the_goals_pitch_the_profile_and_the_events_attended(store):
    contact_id = add_contact(store, {"first_name": "Jo", "full_name": "Jo Park", "company": "Stripe"})
    goal_id = store.goals.add({k: v for k, v in GOAL.items() if k != "id"})
    event_id = store.events.add({"title": "Fintech Week", "starts_at": date(2026, 5, 1)})
    store.interactions.log({"contact_id": contact_id, "event_id": event_id, "kind": "event",
                            "occurred_on": date(2026, 5, 1)})
    store.pitches.save(None, {"who": "General"}, "General pitch.")
    store.pitches.save(goal_id, {"who": "PM"}, "I ship payment products.")
    save_profile(store, Profile(name="Sam Lee"))
    template = next(t for t in workspace_templates(store) if t["name"] == "Referral ask")
    out = build_draft(store, template, store.contacts.get(contact_id), "email", store.goals.get(goal_id))
    assert "Why I think it's a fit: I ship payment products." in out.message.text
    assert out.message.text.endswith("Thank you,\nSam Lee")
    assert out.shared == ["we were both at Fintech Week"]


def test_the_log_keeps_the_length_and_the_text_only_when_the_user_keeps_texts(store):
    assert not keeps_texts(store)
    assert sent_record(" Hi Jo 👋 ", keep_text=False) == {"message_length": 8, "message_text": None}
    assert sent_record("Hi Jo", keep_text=True) == {"message_length": 5, "message_text": "Hi Jo"}
    assert sent_record("  ", keep_text=True) == {"message_length": None, "message_text": None}
    set_keeps_texts(store, True)
    assert keeps_texts(store)
    contact_id = add_contact(store, {"full_name": "Jo Park"})
    store.interactions.log({"contact_id": contact_id, "channel": "email", "occurred_on": date(2026, 5, 1),
                            **sent_record("Hi Jo, edited.", keep_text=keeps_texts(store))})
    logged = store.interactions.frame().iloc[0]
    assert (logged["message_length"], logged["message_text"]) == (14, "Hi Jo, edited.")


def test_the_command_line_names_each_template_once_when_one_is_not_found(store):
    from engine.cli.commands import template_id
    from engine.errors import UserError

    with pytest.raises(UserError) as refused:
        template_id(store, "Referal ask")
    message = str(refused.value)
    assert "the templates are: " in message and "Referral ask, Thank-you after a chat" in message
    assert "(referral ask)" not in message
    assert template_id(store, "referral ask") == next(t["id"] for t in workspace_templates(store)
                                                      if t["name"] == "Referral ask")


def test_importing_a_linkedin_archive_gives_the_profile_its_name_until_the_user_sets_one(store, tmp_path):
    from engine.importers.archive import import_archive
    from tests.archive_support import OWNER, standard_archive

    archive = standard_archive(tmp_path / "Basic_LinkedInDataExport.zip", "2026")
    import_archive(store, archive.read_bytes(), archive.name)
    assert read_profile(store).name == OWNER[0]
    out = draft(COFFEE, JO, "linkedin_message", GOAL, profile=read_profile(store))
    assert out.message.text.endswith(f"Thank you,\n{OWNER[0]}")
    save_profile(store, Profile(name="Olive O."))
    import_archive(store, archive.read_bytes(), archive.name)  # a later import leaves the user's choice alone
    assert read_profile(store).name == "Olive O."
