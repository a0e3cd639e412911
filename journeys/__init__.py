"""Journeys: the project package (settings, urls, Celery) and the districts app."""

from __future__ import annotations

from journeys.celery import app as celery_app

__all__ = ["celery_app"]
