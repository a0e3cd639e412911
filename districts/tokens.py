"""The tokens of emailed links (a personal survey link, an invitation to a district's team).

A link's token is made from a random nonce with the SECRET_KEY (HMAC-SHA256), so the database
keeps only the nonce and the token's SHA-256: the worker can make the link again to mail a
reminder, and a copy of the database alone cannot be used to answer a survey or join a team.
Rotating SECRET_KEY ends the links not yet used.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

from django.utils.crypto import salted_hmac

# 24 bytes of the HMAC, base64url: 32 characters, 192 bits.
TOKEN_BYTES = 24
TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{32}")


def new_nonce() -> str:
    return secrets.token_hex(16)


def link_token(*, purpose: str, nonce: str) -> str:
    """The token of the link made from `nonce`; `purpose` keeps two kinds of link apart."""
    mac = salted_hmac(purpose, nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(mac[:TOKEN_BYTES]).decode("ascii")


def token_digest(token: str) -> str:
    """What the database stores to find a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_token(value: object) -> bool:
    """A string that could be a link token; anything else is never looked up."""
    return isinstance(value, str) and TOKEN_FORMAT.fullmatch(value) is not None
