"""The metrics of DESIGN.md, computed in SQL; one definition for the UI, the API and exports."""
