"""Who may read what, and who may do what: one home for each rule."""
