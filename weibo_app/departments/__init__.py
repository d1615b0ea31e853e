"""Departments: the directory and each department's page."""
