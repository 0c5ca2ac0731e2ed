"""Match keys as SQL macros: how two rows from different exports are recognised as one person.

Re-importing a file must add nobody, and the same person exported from LinkedIn and from Google
must become one contact. We match on the normalized LinkedIn profile URL first (unique per
person), then on e-mail (case-insensitive), then on name + company. The keys are computed inside
DuckDB, vectorized, because doing it row by row in Python cost more than the whole import.
"""

KEY_MACROS = r"""
CREATE OR REPLACE TEMP MACRO rapport_fold(x) AS
    nullif(trim(regexp_replace(strip_accents(lower(x)), '[^\p{L}\p{N}]+', ' ', 'g')), '');
CREATE OR REPLACE TEMP MACRO rapport_url_key(u) AS
    nullif(regexp_replace(regexp_replace(
        split_part(split_part(lower(url_decode(trim(u))), '?', 1), '#', 1),
        '/+$', ''), '^(https?://)?([a-z]{2,3}\.)?(www\.)?linkedin\.com/', ''), '');
CREATE OR REPLACE TEMP MACRO rapport_email_key(e) AS nullif(lower(trim(split_part(e, ':::', 1))), '');
CREATE OR REPLACE TEMP MACRO rapport_company_key(c) AS
    coalesce(rapport_fold(regexp_replace(trim(c),
        '[,.\s]+(inc|incorporated|llc|ltd|limited|gmbh|ag|sa|sas|bv|plc|corp|corporation|co)\.?$', '', 'i')), '');
CREATE OR REPLACE TEMP MACRO rapport_name_key(n, c) AS
    rapport_fold(n) || '|' || rapport_company_key(c);
"""
