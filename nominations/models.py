"""Nomination dossiers arrive with their issue (see ROADMAP.md, item 1)."""
