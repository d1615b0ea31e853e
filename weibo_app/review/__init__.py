"""The review queue: what waits for a decision, the workflow pages, archive and export.

The rules and the steps themselves are in posts/ (rules, lifecycle, amend).
"""
