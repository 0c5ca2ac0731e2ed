"""The archive's messages worked through column by column: every path a messages.csv can take
(Arrow's reader, Python's for irregular rows, decoded text) gives the same history, and what
is worked out once per value or per week (URLs, local times) is what each message would get."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.clock import local_now
from engine.importers.archive_csv import _header, _read_arrow
from engine.importers.files import import_file
from engine.store import Store
from tests.archive_support import JANE, OWNER, PROFILE, SAM, Msg, connections_csv, messages_csv, scenario


def _store(tmp_path, people, name: str = "w", tz: str = "UTC") -> Store:
    store = Store(tmp_path / f"{name}.duckdb")
    store.settings.set("timezone", tz)
    (tmp_path / "Connections.csv").write_bytes(connections_csv(people))
    import_file(store, tmp_path / "Connections.csv")
    return store


def _history(store: Store) -> list[tuple]:
    frame = store.interactions.frame().sort_values(["occurred_at", "kind"])
    return [tuple(row) for row in frame[["full_name", "kind", "occurred_at", "outcome", "notes",
                                         "message_length"]].astype(str).itertuples(index=False)]


def _import(store: Store, folder, data: bytes) -> dict:
    (folder / "messages.csv").write_bytes(data)
    return import_file(store, folder / "messages.csv").to_dict()


def test_a_row_with_a_cell_too_many_and_a_utf16_file_give_the_same_history(tmp_path):
    people = [JANE, SAM, ("Noor Elvenstad", PROFILE + "noor-elvenstad")]
    regular = messages_csv("2023", scenario())
    lines = regular.split(b"\r\n")
    ragged = b"\r\n".join([*lines[:3], lines[3] + b",a cell without a header", *lines[4:]])
    assert _read_arrow(regular, _header(regular)) is not None
    assert _read_arrow(ragged, _header(ragged)) is None  # read by Python's csv reader instead
    results = []
    for name, data in (("regular", regular), ("ragged", ragged),
                       ("utf16", regular.decode("utf-8").encode("utf-16"))):
        folder = tmp_path / name
        folder.mkdir()
        store = _store(folder, people)
        report = _import(store, folder, data)
        results.append(({k: report[k] for k in ("messages_read", "conversations", "interactions_inserted",
                                                 "skipped", "matched_people")}, _history(store)))
    assert results[0][0]["interactions_inserted"] == 7
    assert results[1] == results[0] and results[2] == results[0]


def test_local_times_follow_the_users_zone_across_its_clock_changes(tmp_path):
    # Lisbon moves from UTC+0 to UTC+1 at 01:00 UTC on 31 March 2024 and back at 01:00 UTC on 27 October.
    moments = [datetime(2024, 3, 31, 0, 59, 59), datetime(2024, 3, 31, 1, 0, 0), datetime(2024, 3, 30, 12, 0),
               datetime(2024, 7, 1, 23, 30), datetime(2024, 10, 27, 0, 30), datetime(2024, 10, 27, 1, 30),
               datetime(2024, 12, 31, 23, 59, 59)]
    msgs = [Msg("c-jane", OWNER if i % 2 else JANE, [JANE if i % 2 else OWNER], at) for i, at in enumerate(moments)]
    store = _store(tmp_path, [JANE], tz="Europe/Lisbon")
    assert _import(store, tmp_path, messages_csv("2023", msgs))["interactions_inserted"] == len(moments)
    frame = store.interactions.frame().sort_values("occurred_at")
    expected = sorted(local_now("Europe/Lisbon", at.replace(tzinfo=UTC)) for at in moments)
    assert [t.to_pydatetime() for t in frame["occurred_at"]] == expected
    shown = {t.to_pydatetime() for t in frame["occurred_at"]}
    assert {datetime(2024, 3, 31, 0, 59, 59), datetime(2024, 3, 31, 2, 0)} <= shown  # a second later, an hour on
    assert {datetime(2024, 10, 27, 1, 30)} <= shown and len(shown) == len(moments) - 1  # 00:30 and 01:30 UTC
    assert str(frame["occurred_on"].iloc[-1])[:10] == "2024-12-31"  # winter: Lisbon is on UTC


def test_two_messages_in_the_same_second_stay_two_and_a_second_import_adds_none(tmp_path):
    at = datetime(2024, 5, 1, 9, 30)
    msgs = [Msg("c-jane", OWNER, [JANE], at, content="one"), Msg("c-jane", OWNER, [JANE], at, content="two"),
            Msg("c-jane", JANE, [OWNER], at + timedelta(days=1))]
    store = _store(tmp_path, [JANE])
    data = messages_csv("2023", msgs)
    assert _import(store, tmp_path, data)["interactions_inserted"] == 3
    keys = sorted(store.interactions.frame()["source_key"])
    assert len(set(keys)) == 3 and sum(k.endswith("#2") for k in keys) == 1
    assert _import(store, tmp_path, data)["interactions_inserted"] == 0
    outcomes = store.interactions.frame().sort_values("id")["outcome"].fillna("-").tolist()
    assert outcomes == ["replied", "replied", "-"]


def test_nine_columns_a_message_to_someone_takes_their_url_from_their_own_messages(tmp_path):
    """2019's files have senders' URLs only: the owner's message to one of two people who share a
    name is matched to the right one by the URL her answer in the same conversation carries."""
    kim1, kim2 = ("Kim Park", PROFILE + "kim-park-1"), ("Kim Park", PROFILE + "kim-park-2")
    base = datetime(2024, 2, 1, 10, 0)
    msgs = [Msg("c-kim2", OWNER, [kim2], base), Msg("c-kim2", kim2, [OWNER], base + timedelta(hours=2)),
            Msg("c-kim1", OWNER, [kim1], base + timedelta(days=1))]
    store = _store(tmp_path, [kim1, kim2, JANE])
    report = _import(store, tmp_path, messages_csv("2019", msgs))
    assert report["interactions_inserted"] == 2 and report["unmatched_count"] == 1
    ids = {c["linkedin_url"]: c["id"] for c in store.contacts.export().to_dict("records")}
    frame = store.interactions.frame()
    assert set(frame["contact_id"]) == {ids[kim2[1]]}
    assert sorted(frame["outcome"].fillna("-")) == ["-", "replied"]
