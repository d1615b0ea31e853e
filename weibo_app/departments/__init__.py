"""Departments: the tree, looking one up, and the renderer that links @部门名 mentions."""
