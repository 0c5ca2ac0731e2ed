"""Rapport's engine: everything but the pages. It never imports Streamlit."""
