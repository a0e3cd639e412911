from __future__ import annotations

from django.apps import AppConfig


class JourneysConfig(AppConfig):
    """The project package, installed only for its migration history.

    Districts, schools, memberships, milestones and the two logs were this app's models until
    they moved to `districts` (docs/architecture.md, "Moving the models"). Its migrations stay so
    that a database made before the move is carried through it: 0004 removes the models from
    this app's state, and districts' 0002 renames their tables. It has no models of its own.
    """

    name = "journeys"
    verbose_name = "Journeys (migration history only)"
