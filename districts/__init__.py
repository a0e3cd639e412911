"""Districts, their schools, memberships and milestones, and who may see what.

The bottom layer (docs/architecture.md): it imports no other app of the project.
"""
