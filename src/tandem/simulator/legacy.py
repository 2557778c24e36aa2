"""Webhook bodies as Jira Cloud sends them: the REST v2 shape of an issue and its comments.

Jira Cloud's webhooks are not v3 representations (see the genuine samples in
``tests/specs/webhooks``): rich text (the description, multi-line custom fields, comment
bodies) is a wiki-markup string, ``self`` URLs point under ``/rest/api/2``, and users carry
the legacy ``name`` and ``key`` next to their accountId. A site's ``webhookBodies`` setting
chooses this shape (``wiki``, the default) or the v3 one with ADF documents (``adf``).
"""

from __future__ import annotations

from typing import Any

from .models import User, WebhookBodies
from .site import Site
from .wiki import from_adf

WIKI: WebhookBodies = "wiki"
ADF: WebhookBodies = "adf"

_V3 = "/rest/api/3/"
_V2 = "/rest/api/2/"


def shaped(site: Site, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` (a v3-shaped payload) in the shape the site's webhooks take."""
    if site.state.webhook_bodies == ADF:
        return body
    result = _legacy(site, body)
    assert isinstance(result, dict)
    return result


def _legacy(site: Site, value: Any) -> Any:
    if isinstance(value, list):
        return [_legacy(site, item) for item in value]
    if not isinstance(value, dict):
        return value
    if _is_document(value):
        return from_adf(value)
    converted = {key: _legacy_entry(site, key, item) for key, item in value.items()}
    if _is_user(value):
        return _with_legacy_names(site, converted)
    return converted


def _legacy_entry(site: Site, key: str, value: Any) -> Any:
    if key == "self" and isinstance(value, str):
        return value.replace(_V3, _V2, 1)
    return _legacy(site, value)


def _is_document(value: dict[str, Any]) -> bool:
    return value.get("type") == "doc" and "version" in value


def _is_user(value: dict[str, Any]) -> bool:
    return "accountId" in value and "avatarUrls" in value and "displayName" in value


def _with_legacy_names(site: Site, user: dict[str, Any]) -> dict[str, Any]:
    name = legacy_name(site.user(str(user["accountId"])), str(user["accountId"]))
    head = {k: user[k] for k in ("self",) if k in user}
    return {**head, "name": name, "key": name, **user}


def legacy_name(account: User | None, account_id: str) -> str:
    """The pre-GDPR username Cloud still puts in webhooks: ``addon_<app key>`` for an app's
    user, the local part of a person's email, else the accountId."""
    if account is not None and account.app_key:
        return f"addon_{account.app_key}"
    if account is not None and account.email:
        return account.email.split("@", 1)[0]
    return account_id
