"""The Connect app descriptor, built from settings and served at ``/atlassian-connect.json``."""

from __future__ import annotations

from typing import Any

from tandem.settings import Settings
from tandem.sync.engine import linkprop
from tandem.sync.queue.eventtypes import JIRA_WEBHOOKS

LIFECYCLE_EVENTS = ("installed", "uninstalled", "enabled", "disabled")
WEBHOOK_PATH = "/webhooks/jira"
WEBHOOK_EVENTS = JIRA_WEBHOOKS
ADMIN_PAGE_KEY = "issue-synchronization"
ADMIN_PAGE_PATH = "/ui/project"
# Written on both issues of a link; `peers` lists "<synchronization id>:<peer issue id>" so that a
# JQL search finds an issue already created for a source issue even if our database lost it.
ISSUE_LINK_PROPERTY = linkprop.KEY
ISSUE_LINK_ALIAS = "tandemPeer"

# READ: projects, issue types, fields, request types, issues and comments to synchronize.
# WRITE: create and edit issues, requests and comments; write the link entity property.
# DELETE: remove a synced comment (or issue) when its source is deleted or made internal.
# Not ADMIN ("Administer the Jira site"): overriding screen security would need it, and the
# Administer Jira permission with it; see docs/ARCHITECTURE.md, "The scopes Tandem asks for".
SCOPES = ("READ", "WRITE", "DELETE")


def build_descriptor(settings: Settings) -> dict[str, Any]:
    """The descriptor Jira reads when an admin installs Tandem."""
    return {
        "key": settings.app_key,
        "name": settings.app_name,
        "description": (
            "Synchronizes issues, fields and comments between Jira Software and Jira Service "
            "Management projects, on one site or across sites."
        ),
        "vendor": {"name": "Tandem", "url": "https://github.com/tandem-sync/tandem"},
        "baseUrl": settings.base_url,
        "links": {"self": f"{settings.base_url}/atlassian-connect.json"},
        "authentication": {"type": "jwt"},
        "apiVersion": 1,
        "apiMigrations": {"signed-install": True, "context-qsh": True},
        "scopes": list(SCOPES),
        "lifecycle": {event: f"/{event}" for event in LIFECYCLE_EVENTS},
        "modules": {
            "webhooks": [
                {"event": event, "url": WEBHOOK_PATH, "excludeBody": False}
                for event in WEBHOOK_EVENTS
            ],
            "jiraProjectAdminTabPanels": [
                {
                    "key": ADMIN_PAGE_KEY,
                    "name": {"value": "Issue Synchronization"},
                    "url": f"{ADMIN_PAGE_PATH}?projectKey=${{project.key}}"
                    "&projectId=${project.id}",
                    "location": "projectgroup4",
                    "weight": 100,
                }
            ],
            "jiraEntityProperties": [
                {
                    "key": "tandem-issue-link",
                    "name": {"value": "Tandem issue link"},
                    "entityType": "issue",
                    "keyConfigurations": [
                        {
                            "propertyKey": ISSUE_LINK_PROPERTY,
                            "extractions": [
                                {
                                    "objectName": "peers",
                                    "type": "string",
                                    "alias": ISSUE_LINK_ALIAS,
                                }
                            ],
                        }
                    ],
                }
            ],
        },
    }
