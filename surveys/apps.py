from __future__ import annotations

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Surveys"

    def ready(self) -> None:
        from django.conf import settings

        from surveys.rate_limit import rate_parse

        # A malformed THROTTLE_SURVEY_SUBMIT stops the app at start, naming the variable,
        # rather than failing the first teacher who submits.
        rate_parse(settings.SURVEY_SUBMIT_RATE)
