"""Flags and moderation, sensitive words, personal information, anonymity."""
