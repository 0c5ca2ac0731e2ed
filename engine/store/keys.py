"""Match keys as SQL macros: how two rows from different exports are recognised as one person.

Re-importing a file must add nobody, and the same person exported from LinkedIn and from Google
must become one contact. We match on the normalized LinkedIn profile URL first (unique per
person), then on e-mail (case-insensitive), then on name + company. The keys are computed inside
DuckDB, vectorized, because doing it row by row in Python cost more than the whole import, and
they are computed when an import matches rather than stored (see migration 5).

The macros live in the workspace itself (migration 6; a change to a key is a new migration):
defined per connection, they cost 7-9 ms on every open of the file.

LinkedIn writes almost every profile URL as ``https://www.linkedin.com/in/<name>``, with nothing
to decode, cut or trim: ``rapport_plain_profile_url`` says so, and for such a URL the key is just
``lower(u[26:])``. Computing that for those rows and the full key for the others (two SELECTs
under UNION ALL; a CASE over both costs as much as the full key for all) makes a 100,000-row
check for repeated URLs three times cheaper.

Where keys are only compared with one another (is any key repeated?), a plain URL need not even
be cut: its prefix is the same lowercase text for all, so ``lower(u)`` is its key behind that
prefix (``PREFIXED_PLAIN_URL_KEY``), and any other URL's key is compared with the prefix put in
front (``PREFIXED_URL_KEY``). Cutting 100,000 URLs costs DuckDB more than lowering them: each
cut is a new string.
"""

PLAIN_URL_KEY = "nullif(lower({u}[26:]), '')"  # the key of a URL for which rapport_plain_profile_url holds
PLAIN_URL_PREFIX = "https://www.linkedin.com/"  # what rapport_plain_profile_url requires a URL to start with
# The same keys with PLAIN_URL_PREFIX in front: equal exactly when the keys are.
PREFIXED_PLAIN_URL_KEY = "lower({u})"
PREFIXED_URL_KEY = f"'{PLAIN_URL_PREFIX}' || rapport_url_key({{u}})"
# The three keys of a row with contact fields (a contact, or an incoming row aliased ``{t}``).
KEY_COLUMNS = ("rapport_url_key({t}linkedin_url) AS url_key, rapport_email_key({t}email) AS email_key, "
               "rapport_name_key({t}full_name, {t}company) AS name_key")
