"""The Connect scope each endpoint needs (``x-atlassian-connect-scope`` in Atlassian's specs)."""

from __future__ import annotations

from .errors import JiraError

_ORDER = ("READ", "WRITE", "DELETE", "PROJECT_ADMIN", "ADMIN")
_P = "/rest/api/3"
_SD = "/rest/servicedeskapi"
ENDPOINT_SCOPES: dict[str, str] = {
    f"POST {_P}/issue": "WRITE",
    f"POST {_P}/issue/bulk": "WRITE",
    f"GET {_P}/issue/{{issueIdOrKey}}": "READ",
    f"PUT {_P}/issue/{{issueIdOrKey}}": "WRITE",
    f"DELETE {_P}/issue/{{issueIdOrKey}}": "DELETE",
    f"GET {_P}/issue/{{issueIdOrKey}}/editmeta": "READ",
    f"GET {_P}/issue/{{issueIdOrKey}}/transitions": "READ",
    f"POST {_P}/issue/{{issueIdOrKey}}/transitions": "WRITE",
    f"GET {_P}/issue/{{issueIdOrKey}}/comment": "READ",
    f"POST {_P}/issue/{{issueIdOrKey}}/comment": "WRITE",
    f"GET {_P}/issue/{{issueIdOrKey}}/comment/{{id}}": "READ",
    f"PUT {_P}/issue/{{issueIdOrKey}}/comment/{{id}}": "WRITE",
    f"DELETE {_P}/issue/{{issueIdOrKey}}/comment/{{id}}": "DELETE",
    f"GET {_P}/comment/{{commentId}}/properties/{{propertyKey}}": "READ",
    f"PUT {_P}/comment/{{commentId}}/properties/{{propertyKey}}": "WRITE",
    f"GET {_P}/issue/{{issueIdOrKey}}/properties": "READ",
    f"GET {_P}/issue/{{issueIdOrKey}}/properties/{{propertyKey}}": "READ",
    f"PUT {_P}/issue/{{issueIdOrKey}}/properties/{{propertyKey}}": "WRITE",
    f"DELETE {_P}/issue/{{issueIdOrKey}}/properties/{{propertyKey}}": "DELETE",
    f"GET {_P}/search/jql": "READ",
    f"POST {_P}/search/jql": "READ",
    f"GET {_P}/project/search": "READ",
    f"GET {_P}/project/{{projectIdOrKey}}": "READ",
    f"GET {_P}/project/{{projectIdOrKey}}/statuses": "READ",
    f"GET {_P}/issuetype/project": "READ",
    f"GET {_P}/issue/createmeta/{{projectIdOrKey}}/issuetypes": "READ",
    f"GET {_P}/issue/createmeta/{{projectIdOrKey}}/issuetypes/{{issueTypeId}}": "READ",
    f"GET {_P}/field": "READ",
    f"GET {_P}/myself": "READ",
    f"GET {_P}/mypermissions": "READ",
    f"POST {_P}/permissions/check": "READ",
    f"GET {_P}/webhook/failed": "READ",
    f"GET {_P}/user": "READ",
    f"GET {_P}/user/search": "READ",
    f"GET {_P}/serverInfo": "READ",
    f"GET {_P}/project": "READ",
    f"GET {_P}/issuetype": "READ",
    f"GET {_P}/issuetype/{{id}}": "READ",
    f"GET {_P}/priority": "READ",
    f"GET {_P}/priority/{{id}}": "READ",
    f"GET {_P}/status": "READ",
    f"GET {_P}/status/{{idOrName}}": "READ",
    f"GET {_P}/resolution": "READ",
    f"GET {_P}/resolution/{{id}}": "READ",
    f"PUT {_P}/issue/{{issueIdOrKey}}/assignee": "WRITE",
    f"GET {_P}/issue/{{issueIdOrKey}}/watchers": "READ",
    f"POST {_P}/issue/{{issueIdOrKey}}/watchers": "WRITE",
    f"DELETE {_P}/issue/{{issueIdOrKey}}/watchers": "DELETE",
    f"GET {_P}/issue/{{issueIdOrKey}}/changelog": "READ",
    f"GET {_P}/issue/createmeta": "READ",
    f"POST {_P}/issueLink": "WRITE",
    f"GET {_P}/issueLink/{{linkId}}": "READ",
    f"DELETE {_P}/issueLink/{{linkId}}": "DELETE",
    f"GET {_P}/issueLinkType": "READ",
    f"GET {_P}/issueLinkType/{{issueLinkTypeId}}": "READ",
    f"GET {_P}/project/{{projectIdOrKey}}/components": "READ",
    f"GET {_P}/project/{{projectIdOrKey}}/versions": "READ",
    f"POST {_P}/component": "PROJECT_ADMIN",
    f"POST {_P}/version": "PROJECT_ADMIN",
    f"GET {_P}/issue/{{issueIdOrKey}}/worklog": "READ",
    f"POST {_P}/issue/{{issueIdOrKey}}/worklog": "WRITE",
    f"POST {_P}/issue/{{issueIdOrKey}}/attachments": "WRITE",
    f"GET {_P}/attachment/meta": "READ",
    f"GET {_P}/attachment/{{id}}": "READ",
    f"GET {_P}/attachment/content/{{id}}": "READ",
    f"DELETE {_P}/attachment/{{id}}": "DELETE",
    f"GET {_SD}/servicedesk": "READ",
    f"GET {_SD}/servicedesk/{{serviceDeskId}}": "READ",
    f"GET {_SD}/servicedesk/{{serviceDeskId}}/requesttype": "READ",
    f"GET {_SD}/servicedesk/{{serviceDeskId}}/requesttype/{{requestTypeId}}": "INACCESSIBLE",
    f"POST {_SD}/request": "WRITE",
    f"GET {_SD}/request/{{issueIdOrKey}}": "READ",
    f"GET {_SD}/request/{{issueIdOrKey}}/comment": "READ",
    f"POST {_SD}/request/{{issueIdOrKey}}/comment": "WRITE",
    f"GET {_SD}/request/{{issueIdOrKey}}/comment/{{commentId}}": "READ",
    f"GET {_SD}/servicedesk/{{serviceDeskId}}/requesttype/{{requestTypeId}}/field": "READ",
    f"GET {_SD}/info": "READ",
    f"GET {_SD}/request": "READ",
    f"GET {_SD}/request/{{issueIdOrKey}}/participant": "READ",
    f"POST {_SD}/request/{{issueIdOrKey}}/participant": "WRITE",
    f"DELETE {_SD}/request/{{issueIdOrKey}}/participant": "DELETE",
    f"GET {_SD}/request/{{issueIdOrKey}}/transition": "READ",
    f"POST {_SD}/request/{{issueIdOrKey}}/transition": "WRITE",
    f"GET {_SD}/request/{{issueIdOrKey}}/status": "READ",
}


def granted(declared: list[str], needed: str) -> bool:
    """Whether an app that declared ``declared`` scopes may call an endpoint needing ``needed``."""
    if needed == "NONE":
        return True
    if needed not in _ORDER:
        return False
    held = [_ORDER.index(s.upper()) for s in declared if s.upper() in _ORDER]
    return bool(held) and max(held) >= _ORDER.index(needed)


def check(declared: list[str], endpoint: str) -> None:
    needed = ENDPOINT_SCOPES.get(endpoint, "READ")
    if needed == "INACCESSIBLE":
        raise JiraError(403, ["This resource is not available to Connect apps."])
    if not granted(declared, needed):
        raise JiraError(
            403, [f"The app does not have the required scope '{needed}' to access this resource."]
        )
