"""Who calls the API: a person signed in on the site (the session, with its CSRF check) or another system with
an API token (``Authorization: Bearer kouka_…``; no CSRF check, since a browser never sends that header on
its own). Each endpoint names what it accepts with one of :data:`PUBLIC`, :data:`STAFF` or :data:`PEOPLE`:

- :data:`PUBLIC`: anyone; a token, when sent, must be valid (else 401) and is held to its municipality;
- :data:`STAFF`: a signed-in member, or a write token (acting as an editor of its department);
- :data:`PEOPLE`: a signed-in member only (commenting and the workflow are people's acts); a token gets 403.

A token that is unknown, revoked or expired is refused with 401 wherever it is sent.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, django_auth

from kouka.web.models import ApiToken, TokenScope
from kouka.web.permissions import MEMBER_ATTRIBUTE, Denied
from kouka.web.services.tokens import token_use


class Visitor:
    """An anonymous caller of a public endpoint (what ``request.auth`` holds when no token was sent)."""


class TokenAuth(HttpBearer):
    """An API token whose scope is one of ``scopes``; with ``optional``, no token at all is a visitor."""

    def __init__(self, *scopes: str, optional: bool = False) -> None:
        super().__init__()
        self.scopes = scopes
        self.optional = optional

    def __call__(self, request: HttpRequest) -> Any:
        found = super().__call__(request)
        if found is None and self.optional and not request.headers.get(self.header):
            return Visitor()
        return found

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = token_use(token)  # TokenRefused (401) when unknown, revoked or expired
        if found.scope not in self.scopes:
            raise Denied(_("このAPIトークン（{scope}）ではできない操作です").format(scope=found.get_scope_display()))
        setattr(request, MEMBER_ATTRIBUTE, found.member)  # a write token acts as its own member
        return found


PUBLIC = [TokenAuth(TokenScope.READ, TokenScope.WRITE, optional=True)]
STAFF = [TokenAuth(TokenScope.WRITE), django_auth]
PEOPLE = [TokenAuth(), django_auth]


def request_token(request: HttpRequest) -> ApiToken | None:
    """The token a request was authorised with, if any."""
    found = getattr(request, "auth", None)
    return found if isinstance(found, ApiToken) else None


def require_token_municipality(request: HttpRequest, slug: str) -> None:
    """A token reads only its own municipality's data (a visitor or a person reads every published one)."""
    token = request_token(request)
    if token is not None and token.municipality.slug != slug:
        raise Denied(_("このAPIトークンは{name}のデータにだけ使えます").format(name=token.municipality.name))
