"""Rapport's pages and the widgets they share. UI only: no SQL, no scoring."""
