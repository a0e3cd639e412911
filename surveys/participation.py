"""Who has answered a campaign so far, in counts: what every page, export and API answer shows
of a campaign whose results are not released (method 1.1, section 4, "Release").

Counts only, never an answer; and nothing here says who answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from surveys.models import Campaign, Response


def response_rate(n_responses: int, expected: int | None) -> float | None:
    """Responses over the expected number; None when no (or a zero) expected number is set."""
    return n_responses / expected if expected else None


@dataclass(frozen=True)
class SchoolParticipation:
    """One school's count; `school` None for the responses that named no school."""

    school: str | None
    n_responses: int
    expected_responses: int | None

    @property
    def response_rate(self) -> float | None:
        return response_rate(self.n_responses, self.expected_responses)


@dataclass(frozen=True)
class Participation:
    n_responses: int
    expected_responses: int | None
    by_school: list[SchoolParticipation]

    @property
    def response_rate(self) -> float | None:
        return response_rate(self.n_responses, self.expected_responses)


def campaign_participation(*, campaign: Campaign) -> Participation:
    """The campaign's responses counted, overall and by school. Two queries: the district's
    schools and the counts by school. Every school of the district is listed (0 included, in
    name order), then the responses with no school when there are any."""
    counts: dict[int | None, int] = dict(
        Response.objects.filter(campaign=campaign)
        .values_list("school_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("school_id", "n")
    )
    by_school = [
        SchoolParticipation(
            school=school.name,
            n_responses=counts.get(school.pk, 0),
            expected_responses=school.expected_responses,
        )
        for school in campaign.district.schools.order_by("name", "pk")
    ]
    if counts.get(None):
        by_school.append(
            SchoolParticipation(school=None, n_responses=counts[None], expected_responses=None)
        )
    return Participation(
        n_responses=sum(counts.values()),
        expected_responses=campaign.expected_responses,
        by_school=by_school,
    )
