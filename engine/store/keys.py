"""Match keys as SQL macros: how two rows from different exports are recognised as one person.

Re-importing a file must add nobody, and the same person exported from LinkedIn and from Google
must become one contact. We match on the normalized LinkedIn profile URL first (unique per
person), then on e-mail (case-insensitive), then on name + company. The keys are computed inside
DuckDB, vectorized, because doing it row by row in Python cost more than the whole import, and
they are computed when an import matches rather than stored (see migration 5).

LinkedIn writes almost every profile URL as ``https://www.linkedin.com/in/<name>``, with nothing
to decode, cut or trim: ``rapport_plain_profile_url`` says so, and for such a URL the key is just
``lower(u[26:])``. Computing that for those rows and the full key for the others (two SELECTs
under UNION ALL; a CASE over both costs as much as the full key for all) makes a 100,000-row
check for repeated URLs three times cheaper.
"""

PLAIN_URL_KEY = "nullif(lower({u}[26:]), '')"  # the key of a URL for which rapport_plain_profile_url holds
# The three keys of a row with contact fields (a contact, or an incoming row aliased ``{t}``).
KEY_COLUMNS = ("rapport_url_key({t}linkedin_url) AS url_key, rapport_email_key({t}email) AS email_key, "
               "rapport_name_key({t}full_name, {t}company) AS name_key")

KEY_MACROS = r"""
CREATE OR REPLACE TEMP MACRO rapport_fold(x) AS
    nullif(trim(regexp_replace(strip_accents(lower(x)), '[^\p{L}\p{N}]+', ' ', 'g')), '');
CREATE OR REPLACE TEMP MACRO rapport_url_key(u) AS
    nullif(regexp_replace(regexp_replace(
        split_part(split_part(lower(url_decode(trim(u))), '?', 1), '#', 1),
        '/+$', ''), '^(https?://)?([a-z]{2,3}\.)?(www\.)?linkedin\.com/', ''), '');
CREATE OR REPLACE TEMP MACRO rapport_plain_profile_url(u) AS
    starts_with(u, 'https://www.linkedin.com/') AND NOT contains(u, '%') AND NOT contains(u, '?')
    AND NOT contains(u, '#') AND NOT ends_with(u, '/') AND NOT ends_with(u, ' ');
CREATE OR REPLACE TEMP MACRO rapport_email_key(e) AS nullif(lower(trim(split_part(e, ':::', 1))), '');
CREATE OR REPLACE TEMP MACRO rapport_company_key(c) AS
    coalesce(rapport_fold(regexp_replace(trim(c),
        '[,.\s]+(inc|incorporated|llc|ltd|limited|gmbh|ag|sa|sas|bv|plc|corp|corporation|co)\.?$', '', 'i')), '');
CREATE OR REPLACE TEMP MACRO rapport_name_key(n, c) AS
    rapport_fold(n) || '|' || rapport_company_key(c);
"""
