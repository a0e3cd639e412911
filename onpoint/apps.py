from __future__ import annotations

from django.apps import AppConfig


class OnpointConfig(AppConfig):
    name = "onpoint"
    verbose_name = "Onpoint scores"
