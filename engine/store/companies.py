"""What the user says about a company once, for everyone who works there (``store.companies``).

A company is keyed by its normalized name (engine.ranking.company_names.normalize_company: "Stripe, Inc."
and "stripe" are one company), so the industry and tags set here survive re-imports and apply to
every contact whose company normalizes the same way; the contacts frame the ranker reads carries
them (``Contacts.for_ranking``: an ``industry`` column, the company's tags added to the contact's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.errors import UserError

from .base import Part

if TYPE_CHECKING:
    import pandas as pd


def company_key(name) -> str:
    from engine.ranking.company_names import normalize_company  # loads the ranking: only where keys are made

    return normalize_company(name)


def with_company_facts(frame: pd.DataFrame, facts: dict[str, tuple[str | None, list[str]]]) -> pd.DataFrame:
    """``frame`` (with ``company`` and ``tags``) gaining ``industry`` (None when not set) and the
    company's tags added to each contact's own."""
    import pandas as pd

    frame["industry"] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    if not facts or frame.empty:
        return frame
    keys = frame["company"].map(lambda c: company_key(c) if isinstance(c, str) else "")
    frame["industry"] = pd.Series([facts.get(k, (None, []))[0] for k in keys], index=frame.index, dtype=object)
    extra = keys.map(lambda k: facts.get(k, (None, []))[1])
    if extra.map(len).any():
        frame["tags"] = [sorted({*(list(own) if own is not None else []), *more}) if more else own
                         for own, more in zip(frame["tags"], extra)]
    return frame


def company_facts(conn) -> dict[str, tuple[str | None, list[str]]]:
    """company key -> (industry, tags) for every company the user described."""
    # Keyed again from the name the user set it for: a key written by an earlier version of the
    # normalization ("nestl" for Nestlé, before accents were folded) still finds its company.
    return {(company_key(n) or k): (i, list(t or [])) for k, n, i, t in
            conn.execute("SELECT company_key, name, industry, tags FROM companies").fetchall()}


class Companies(Part):
    """``store.companies``: the industry and tags set for a company, and the companies in the network."""

    def set(self, name: str, industry: str | None = None, tags: list[str] | None = None) -> str:
        """Set a company's industry and tags (None: leave as is; blank: clear). Returns its key."""
        key = company_key(name)
        if not key:
            raise UserError(f"{name!r} is not a company name")
        industry = None if industry is None else (industry.strip() or "")
        if tags is not None:
            tags = sorted({t.strip() for t in tags if t and t.strip()})
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO companies (company_key, name, industry, tags) VALUES (?, ?, nullif(?, ''), "
                "coalesce(?, [])) ON CONFLICT (company_key) DO UPDATE SET name = excluded.name, "
                "industry = CASE WHEN ? IS NULL THEN companies.industry ELSE nullif(?, '') END, "
                "tags = CASE WHEN ? IS NULL THEN companies.tags ELSE excluded.tags END, "
                "updated_at = get_current_timestamp()",
                [key, name.strip(), industry, tags, industry, industry, tags])
            self._bump_data_version(conn)  # what the ranker reads changed
        return key

    def facts(self) -> dict[str, tuple[str | None, list[str]]]:
        """company key -> (industry, tags) for every company the user described."""
        with self._reading() as conn:
            return company_facts(conn)

    def in_network(self) -> pd.DataFrame:
        """Every company in the network, one row per normalized name: company (the most common
        spelling), key, contacts, strongest (the strongest tie's name), strength, industry, tags."""
        import pandas as pd

        with self._reading() as conn:
            rows = conn.execute(
                "SELECT company, count(*) AS contacts, max(strength) AS strength, "
                "arg_max(full_name, coalesce(strength, -1) * 1000000 - id) AS strongest "
                "FROM contacts WHERE nullif(trim(company), '') IS NOT NULL GROUP BY company").df()
        facts = self.facts()
        columns = ["company", "key", "contacts", "strongest", "strength", "industry", "tags"]
        if rows.empty:
            return pd.DataFrame(columns=columns)
        rows["key"] = rows["company"].map(company_key)
        rows = rows[rows["key"] != ""].sort_values(["contacts", "company"], ascending=[False, True])
        rows["tie"] = rows["strength"].fillna(-1)
        best = rows.sort_values(["tie", "contacts"], ascending=False).drop_duplicates("key").set_index("key")
        out = rows.groupby("key", sort=False).agg(company=("company", "first"), contacts=("contacts", "sum"))
        out["strongest"] = best["strongest"]
        out["strength"] = best["strength"]
        out["industry"] = [facts.get(k, (None, []))[0] for k in out.index]
        out["tags"] = [facts.get(k, (None, []))[1] for k in out.index]
        out = out.reset_index().sort_values(["contacts", "company"], ascending=[False, True], kind="stable")
        return out[columns].reset_index(drop=True)

    def former(self) -> pd.DataFrame:
        """Job changes seen on re-imports: contact id, name, old company (and its key), new company."""
        with self._reading() as conn:
            frame = conn.execute(
                "SELECT j.contact_id, c.full_name, j.old_company, j.new_company, j.changed_on FROM job_changes j "
                "JOIN contacts c ON c.id = j.contact_id WHERE nullif(trim(j.old_company), '') IS NOT NULL "
                "ORDER BY j.changed_on DESC, j.id DESC").df()
        frame["old_key"] = frame["old_company"].map(company_key) if len(frame) else []
        return frame
