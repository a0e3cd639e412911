"""The audit log's changes: who changed what of a district, recorded by the service that made
the change (never by a signal, so that a bulk job or a migration does not fill the log).

Views and exports are recorded by journeys/audit_log.py's middleware. Nothing here is ever
called for a survey response or the use of a personal survey link (SECURITY.md): the log holds
who ran the survey, never who answered it or what.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from districts.models import AuditEvent, District

DETAIL_MAX = 300


def audit_change(
    *,
    action: str,
    district: District | None,
    user: User | AnonymousUser | None,
    detail: str,
) -> AuditEvent:
    """Record one change. `user` None (or anonymous) is the system itself: a scheduled reminder,
    a campaign closing by its date. `detail` says what changed, in words; it never names a
    survey respondent, an answer or a personal link's token."""
    person = user if isinstance(user, User) and user.is_authenticated else None
    return AuditEvent.objects.create(
        user=person,
        username=person.get_username() if person is not None else "",
        district_slug=district.slug if district is not None else "",
        action=action,
        detail=detail[:DETAIL_MAX],
    )
