"""Rapport's engine: everything but the pages. It never imports Streamlit."""

from engine.bulk import without_huge_pages

without_huge_pages()  # before any large array: see its docstring
