"""Screens: one per top-level section, plus modals."""
