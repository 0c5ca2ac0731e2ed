"""Rapport's engine: everything but the pages. It never imports Streamlit."""

from engine.bulk import without_huge_pages
from engine.deferred import defer_unused_scipy

without_huge_pages()  # before any large array: see its docstring
defer_unused_scipy()  # before scikit-learn: see engine/deferred.py
