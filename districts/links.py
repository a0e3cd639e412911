"""Where the links this site mails or prints start."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def link_base(request: HttpRequest) -> str:
    """The start of an absolute link to this site: PUBLIC_URL when configured (the address
    people reach, behind any proxy), else the host of the request at hand; no trailing slash."""
    return settings.PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")
