"""Numbered schema migrations, applied in order and recorded in ``schema_version``.

A migration is never edited once released: a later change is a new, higher-numbered entry, so a
workspace created by any earlier version upgrades itself the next time it is opened.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "contacts, imports and their rejects, saved column mappings",
        """
        CREATE SEQUENCE contact_id_seq START 1;
        CREATE TABLE contacts (
            id BIGINT PRIMARY KEY DEFAULT nextval('contact_id_seq'),
            first_name VARCHAR, last_name VARCHAR, full_name VARCHAR,
            email VARCHAR, company VARCHAR, position VARCHAR,
            linkedin_url VARCHAR, phone VARCHAR, location VARCHAR,
            connected_on DATE, notes VARCHAR, tags VARCHAR[] DEFAULT [],
            url_key VARCHAR, email_key VARCHAR, name_key VARCHAR,
            strength TINYINT, relationship VARCHAR, cadence_days INTEGER,
            source VARCHAR, import_id BIGINT,
            created_at TIMESTAMP DEFAULT current_timestamp,
            updated_at TIMESTAMP DEFAULT current_timestamp
        );
        CREATE SEQUENCE job_change_id_seq START 1;
        CREATE TABLE job_changes (
            id BIGINT PRIMARY KEY DEFAULT nextval('job_change_id_seq'),
            contact_id BIGINT NOT NULL, changed_on DATE NOT NULL,
            old_company VARCHAR, old_position VARCHAR, new_company VARCHAR, new_position VARCHAR,
            import_id BIGINT
        );
        CREATE SEQUENCE import_id_seq START 1;
        CREATE TABLE imports (
            id BIGINT PRIMARY KEY DEFAULT nextval('import_id_seq'),
            file_name VARCHAR, kind VARCHAR, format VARCHAR, encoding VARCHAR, delimiter VARCHAR,
            imported_at TIMESTAMP DEFAULT current_timestamp,
            total INTEGER, inserted INTEGER, updated INTEGER, unchanged INTEGER,
            skipped_blank INTEGER, rejected INTEGER
        );
        CREATE TABLE import_rejects (
            import_id BIGINT NOT NULL, line INTEGER, column_name VARCHAR, reason VARCHAR, raw VARCHAR
        );
        CREATE TABLE column_mappings (
            header_key VARCHAR PRIMARY KEY, mapping JSON NOT NULL, saved_at TIMESTAMP
        );
        CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
        INSERT INTO meta VALUES ('data_version', '0');
        """,
    ),
    (
        2,
        "goals, audience segments, events, templates, pitches, interactions",
        """
        CREATE SEQUENCE goal_id_seq START 1;
        CREATE TABLE goals (
            id BIGINT PRIMARY KEY DEFAULT nextval('goal_id_seq'),
            title VARCHAR NOT NULL, outcome VARCHAR NOT NULL, description VARCHAR,
            target_roles VARCHAR[] DEFAULT [], seniority VARCHAR[] DEFAULT [],
            industries VARCHAR[] DEFAULT [], companies VARCHAR[] DEFAULT [],
            locations VARCHAR[] DEFAULT [],
            metric VARCHAR, target INTEGER, due_date DATE, priority INTEGER DEFAULT 3,
            status VARCHAR DEFAULT 'active',
            created_at TIMESTAMP DEFAULT current_timestamp, updated_at TIMESTAMP DEFAULT current_timestamp
        );
        CREATE SEQUENCE segment_id_seq START 1;
        CREATE TABLE segments (
            id BIGINT PRIMARY KEY DEFAULT nextval('segment_id_seq'),
            goal_id BIGINT NOT NULL, name VARCHAR NOT NULL,
            roles VARCHAR[] DEFAULT [], seniority VARCHAR[] DEFAULT [], companies VARCHAR[] DEFAULT [],
            industries VARCHAR[] DEFAULT [], keywords VARCHAR[] DEFAULT [], relationship VARCHAR
        );
        CREATE SEQUENCE event_id_seq START 1;
        CREATE TABLE events (
            id BIGINT PRIMARY KEY DEFAULT nextval('event_id_seq'),
            uid VARCHAR, title VARCHAR NOT NULL, kind VARCHAR DEFAULT 'other',
            starts_at TIMESTAMP, ends_at TIMESTAMP, online BOOLEAN DEFAULT false,
            location VARCHAR, cost DOUBLE, topics VARCHAR[] DEFAULT [], audience VARCHAR,
            url VARCHAR, description VARCHAR, source VARCHAR, import_id BIGINT,
            created_at TIMESTAMP DEFAULT current_timestamp
        );
        CREATE SEQUENCE template_id_seq START 1;
        CREATE TABLE templates (
            id BIGINT PRIMARY KEY DEFAULT nextval('template_id_seq'),
            name VARCHAR NOT NULL, channel VARCHAR NOT NULL, purpose VARCHAR,
            subject VARCHAR, body VARCHAR NOT NULL, builtin BOOLEAN DEFAULT false,
            created_at TIMESTAMP DEFAULT current_timestamp
        );
        CREATE SEQUENCE pitch_id_seq START 1;
        CREATE TABLE pitches (
            id BIGINT PRIMARY KEY DEFAULT nextval('pitch_id_seq'),
            goal_id BIGINT, version INTEGER, parts JSON, text VARCHAR,
            created_at TIMESTAMP DEFAULT current_timestamp
        );
        CREATE SEQUENCE interaction_id_seq START 1;
        CREATE TABLE interactions (
            id BIGINT PRIMARY KEY DEFAULT nextval('interaction_id_seq'),
            contact_id BIGINT, event_id BIGINT, goal_id BIGINT, template_id BIGINT,
            kind VARCHAR NOT NULL, channel VARCHAR, occurred_on DATE NOT NULL,
            outcome VARCHAR, follow_up_on DATE, notes VARCHAR,
            created_at TIMESTAMP DEFAULT current_timestamp
        );
        CREATE TABLE recommendations (
            contact_id BIGINT PRIMARY KEY, times_shown INTEGER, first_shown DATE, last_shown DATE
        );
        """,
    ),
]


MIGRATIONS.append((
    3,
    "keep-in-touch: maximum gap per contact, cadences per tag, workspace settings",
    """
    ALTER TABLE contacts ADD COLUMN cadence_max_days INTEGER;
    CREATE TABLE tag_cadences (tag VARCHAR PRIMARY KEY, ideal_days INTEGER NOT NULL, max_days INTEGER);
    CREATE TABLE settings (key VARCHAR PRIMARY KEY, value VARCHAR);
    """,
))

MIGRATIONS.append((
    4,
    "dismissed refinement flags, with the user's reason",
    """
    CREATE TABLE flag_dismissals (flag_key VARCHAR PRIMARY KEY, reason VARCHAR, dismissed_at TIMESTAMP);
    """,
))

# Two costs a 100,000-row first import paid for nothing, so the contacts table is rebuilt without them:
# - the match keys, derived from a contact's URL, e-mail, name and company. Stored, they cost more
#   than DuckDB's whole read of the file (three distinct strings per row to compute and write),
#   could go stale when a field changed, and were read only by the next import. Each import now
#   computes them from the fields it matches against (the macros of migration 6, ``keys``).
# - the index behind ``PRIMARY KEY`` on ``id``: a fifth of the write. Ids only ever come from the
#   sequence, and a lookup by id scans a sorted column that DuckDB skips through by zone maps.
MIGRATIONS.append((
    5,
    "contacts: match keys computed by each import, not stored; ids from their sequence without an index",
    """
    CREATE TABLE contacts_v5 (
        id BIGINT NOT NULL DEFAULT nextval('contact_id_seq'),
        first_name VARCHAR, last_name VARCHAR, full_name VARCHAR,
        email VARCHAR, company VARCHAR, position VARCHAR,
        linkedin_url VARCHAR, phone VARCHAR, location VARCHAR,
        connected_on DATE, notes VARCHAR, tags VARCHAR[] DEFAULT [],
        strength TINYINT, relationship VARCHAR, cadence_days INTEGER,
        source VARCHAR, import_id BIGINT,
        created_at TIMESTAMP DEFAULT current_timestamp,
        updated_at TIMESTAMP DEFAULT current_timestamp,
        cadence_max_days INTEGER
    );
    INSERT INTO contacts_v5
    SELECT id, first_name, last_name, full_name, email, company, position, linkedin_url, phone, location,
           connected_on, notes, tags, strength, relationship, cadence_days, source, import_id, created_at,
           updated_at, cadence_max_days
    FROM contacts ORDER BY id;
    DROP TABLE contacts;
    ALTER TABLE contacts_v5 RENAME TO contacts;
    """,
))


# The match keys (what they mean: ``keys``) as macros stored in the workspace, instead of macros
# created on every connection, which cost 7-9 ms per open of the file. No macro calls another:
# a backup restores its macros in any order (IMPORT DATABASE binds each one as it creates it).
_FOLD = r"nullif(trim(regexp_replace(strip_accents(lower({x})), '[^\p{{L}}\p{{N}}]+', ' ', 'g')), '')"
_COMPANY_KEY = ("coalesce(" + _FOLD.format(x=r"""regexp_replace(trim(c),
        '[,.\s]+(inc|incorporated|llc|ltd|limited|gmbh|ag|sa|sas|bv|plc|corp|corporation|co)\.?$', '', 'i')""")
                + ", '')")
MIGRATIONS.append((
    6,
    "match-key macros stored in the workspace, not created on every connection",
    rf"""
    CREATE OR REPLACE MACRO rapport_url_key(u) AS
        nullif(regexp_replace(regexp_replace(
            split_part(split_part(lower(url_decode(trim(u))), '?', 1), '#', 1),
            '/+$', ''), '^(https?://)?([a-z]{{2,3}}\.)?(www\.)?linkedin\.com/', ''), '');
    CREATE OR REPLACE MACRO rapport_plain_profile_url(u) AS
        starts_with(u, 'https://www.linkedin.com/') AND NOT contains(u, '%') AND NOT contains(u, '?')
        AND NOT contains(u, '#') AND NOT ends_with(u, '/') AND NOT ends_with(u, ' ');
    CREATE OR REPLACE MACRO rapport_email_key(e) AS nullif(lower(trim(split_part(e, ':::', 1))), '');
    CREATE OR REPLACE MACRO rapport_company_key(c) AS {_COMPANY_KEY};
    CREATE OR REPLACE MACRO rapport_name_key(n, c) AS {_FOLD.format(x='n')} || '|' || {_COMPANY_KEY};
    """,
))


# The interaction log filled from a LinkedIn data archive (``store.history``): where each row came
# from, so that importing the same or a newer archive adds only what is new, and what a message
# was without its text (private by default): its conversation, its moment and its length.
MIGRATIONS.append((
    7,
    "interactions: source key, conversation, moment and message length of imported history",
    """
    ALTER TABLE interactions ADD COLUMN source_key VARCHAR;
    ALTER TABLE interactions ADD COLUMN conversation_id VARCHAR;
    ALTER TABLE interactions ADD COLUMN occurred_at TIMESTAMP;
    ALTER TABLE interactions ADD COLUMN message_length INTEGER;
    """,
))


# The user's own judgement of a contact for a goal ("good fit" / "not a fit", ``store.feedback``):
# one mark per contact and goal, what a per-goal model learns from (engine.outreach.feedback).
MIGRATIONS.append((
    8,
    "feedback: a contact marked a good fit or not a fit for a goal",
    """
    CREATE TABLE feedback (
        goal_id BIGINT NOT NULL, contact_id BIGINT NOT NULL, fit VARCHAR NOT NULL,
        marked_at TIMESTAMP DEFAULT current_timestamp,
        PRIMARY KEY (goal_id, contact_id)
    );
    """,
))


# What the user says about a company once, for everyone who works there (``store.companies``):
# keyed by the normalized name (engine.ranking.company_names.normalize_company), so re-imports keep it.
MIGRATIONS.append((
    9,
    "companies: the industry and tags a user set for a company",
    """
    CREATE TABLE companies (
        company_key VARCHAR PRIMARY KEY, name VARCHAR, industry VARCHAR, tags VARCHAR[] DEFAULT [],
        updated_at TIMESTAMP DEFAULT current_timestamp
    );
    """,
))


# The text of a message the user sent from a draft, kept only when they chose to keep texts (Settings);
# its length goes into ``message_length`` (migration 7) either way.
MIGRATIONS.append((
    10,
    "interactions: the text of a message sent from a draft, when the user keeps texts",
    """
    ALTER TABLE interactions ADD COLUMN message_text VARCHAR;
    """,
))


def latest_version() -> int:
    return MIGRATIONS[-1][0]
