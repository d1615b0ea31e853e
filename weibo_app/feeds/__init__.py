"""Atom feeds (RFC 4287) of a department, a category and a topic."""
