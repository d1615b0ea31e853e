"""Threads: residents ask, staff answer, the clock runs."""
