"""Companies: every company in the network, its industry and tags set once for everyone there, and
the target companies nobody in the network works at."""

import streamlit as st

from engine.outreach.companies import companies_in_network, company_gaps, way_in
from engine.vocabulary import plural
from ui.common import blank_missing, friendly_errors, page_header, plain, store, widget_key

SHOWN = 500
page_header("Companies", "Every company in your network with its people, your strongest tie there and its "
            "industry. Set a company's industry and tags once: they apply to everyone who works there, the "
            "ranking reads them, and re-imports keep them.")
workspace = store()
with friendly_errors(), workspace.session():
    companies = companies_in_network(workspace)
    gaps = company_gaps(workspace)

if gaps:
    st.subheader("Target companies with nobody in your network", anchor=False)
    for gap in gaps:
        st.markdown(f"- **{plain(gap['company'])}** (goal *{plain(gap['goal_title'])}*): {plain(way_in(gap))}")

if companies.empty:
    st.info("No companies yet: import your contacts first.")
    st.page_link("ui/imports.py", label="Import contacts", icon=":material/upload_file:")
    st.stop()

search = st.text_input("Find a company", placeholder="part of its name", key="companies_search")
found = companies[companies["company"].str.contains(search.strip(), case=False, regex=False)] if search.strip() \
    else companies
st.caption(f"{len(companies):,} companies · {int(companies['contacts'].sum()):,} contacts with a company"
           + (f" · {len(found):,} match" if search.strip() else "")
           + (f" · the first {SHOWN} shown" if len(found) > SHOWN else ""))
shown = found.head(SHOWN)
shown = shown.assign(industry=[f"{i} (inferred)" if inferred and i else (i or "")
                               for i, inferred in zip(shown["industry"], shown["inferred"])])
st.dataframe(blank_missing(shown.drop(columns=["key", "inferred"])), hide_index=True, width="stretch",
             key="companies_table",
             column_config={"company": "Company", "contacts": st.column_config.NumberColumn("Contacts"),
                            "strongest": "Strongest tie", "strength": st.column_config.NumberColumn("Strength"),
                            "industry": "Industry", "tags": st.column_config.ListColumn("Tags")})

st.markdown("**Set a company's industry and tags**")
names = dict(zip(shown["key"], shown["company"]))
key = st.selectbox("Company", list(names), format_func=names.get, key="companies_edit_company")
if key is not None:
    current = shown[shown["key"] == key].iloc[0]
    with st.form(widget_key("company_edit", key)):  # a form per company: its fields start from its values
        industry = st.text_input("Industry", value="" if current["inferred"] else current["industry"],
                                 placeholder="e.g. fintech (blank: none)")
        tags = st.text_input("Tags", value=", ".join(current["tags"]),
                             placeholder="comma-separated, e.g. b2b, series b")
        if st.form_submit_button("Save for everyone there", icon=":material/save:"):
            with friendly_errors():
                workspace.companies.set(names[key], industry=industry, tags=tags.split(","))
                st.toast(f"Saved {plain(names[key])} for its {plural(int(current['contacts']), 'contact')}")
                st.rerun()
