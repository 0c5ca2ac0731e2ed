"""What every page shares: the workspace's store, plain-text rendering, friendly errors."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import streamlit as st

from engine.errors import RapportError
from engine.store import Store, StoreError, default_db_path
from engine.vocabulary import blank_missing  # noqa: F401  (the pages' import of it)

log = logging.getLogger("rapport")
BUG_MESSAGE = ("Something went wrong on this page: a bug in Rapport, not a problem with your data, which is "
               "unchanged. Reload the page or open another one. The details are in the log of the terminal "
               "running Rapport; please include them if you report it.")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def plain(text) -> str:
    """Escape user-written text for Streamlit's Markdown, so it shows as typed and never as a link,
    an image or HTML (e.g. ``[x](javascript:...)`` stays literal; ``&lt;`` stays ``&lt;``, not ``<``)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def choice_labels(records: Iterable[dict], label: Callable[[dict], str], reserved: Iterable[str] = ()
                  ) -> dict[int, str]:
    """Record id -> the text a selectbox shows for it. Streamlit resolves a choice by its text (the
    last option with that text wins), so two goals with one title would both pick the second: a text
    that two records (or a ``reserved`` one, like "No goal") share gets the record's id appended."""
    texts = {int(r["id"]): str(label(r)) for r in records}
    counts = Counter([*texts.values(), *reserved])
    return {i: t if counts[t] == 1 else f"{t} (#{i})" for i, t in texts.items()}


def widget_key(prefix: str, identity) -> str:
    """A widget key for a record whose identity is text (a flag's key names goals and segments): a
    digest, so the key carries no user text and stays one short token."""
    return f"{prefix}_{hashlib.sha256(str(identity).encode()).hexdigest()[:16]}"


def form_round(name: str) -> int:
    """How often the form ``name`` was submitted with success; part of its widgets' keys, so that
    after a submit the form is drawn anew, blank, and a second click makes no duplicate."""
    return st.session_state.get(f"form_round_{name}", 0)


def form_done(name: str, message: str = "") -> None:
    """After a successful submit: draw the page again with the form ``name`` blank, and
    ``message`` (already plain text for Markdown) once, from ``form_message``."""
    st.session_state[f"form_round_{name}"] = form_round(name) + 1
    if message:
        st.session_state[f"form_message_{name}"] = message
    st.rerun()


def form_message(name: str) -> str | None:
    """The message ``form_done`` left for the form ``name``, once."""
    return st.session_state.pop(f"form_message_{name}", None)


def db_path() -> Path:
    return Path(st.session_state.get("db_path") or default_db_path())


@st.cache_resource(show_spinner=False)
def _store_for(path: str) -> Store:
    return Store(path)


def store() -> Store:
    """The workspace's store (it holds no open connection between calls)."""
    return _store_for(str(db_path()))


@contextlib.contextmanager
def friendly_errors():
    """Show a problem the user can act on as a message instead of a traceback."""
    try:
        yield
    except RapportError as error:  # anything else is a bug: Streamlit shows it, with its traceback, as one
        st.error(str(error), icon=":material/error:")
        st.stop()


@contextlib.contextmanager
def error_boundary(page_name: str):
    """What a user sees of a bug: one calm message instead of a traceback; the traceback goes to the
    server log. ``RAPPORT_RAISE_ERRORS=1`` (the test suite sets it) lets the exception through, so
    AppTest and the browser tests see every bug as one."""
    try:
        yield
    except Exception:
        if os.environ.get("RAPPORT_RAISE_ERRORS") == "1":
            raise
        log.exception("the %s page failed", page_name)
        st.error(BUG_MESSAGE, icon=":material/bug_report:")


@contextlib.contextmanager
def section_errors():
    """Like friendly_errors, but the rest of the page still renders (Settings must always offer
    Restore, even when the workspace file cannot be opened)."""
    try:
        yield
    except RapportError as error:
        st.error(str(error), icon=":material/error:")


@contextlib.contextmanager
def page_session(url_path: str):
    """Run a whole page on one connection: a page makes about ten store calls, and opening the
    file for each cost ~30 ms. Settings runs without one, because restoring a backup must be able
    to replace the file. A workspace that cannot be opened (damaged, locked...) stops any other page
    with the one line that says why and how to get it back; Settings still shows it and offers Restore."""
    if url_path == "settings":
        yield
        return
    try:
        session = store().session()
        session.__enter__()
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        st.stop()
    try:
        yield
    finally:
        session.__exit__(None, None, None)


def page_header(title: str, caption: str) -> None:
    st.title(title)
    st.caption(caption)
