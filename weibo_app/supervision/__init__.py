"""Supervision notices (督办单)."""
