"""Journeys: the project package (settings, urls, the Celery app, wsgi). No app imports it."""

from __future__ import annotations

from journeys.celery import app as celery_app

__all__ = ["celery_app"]
