"""Names of the Jira users a page mentions (who requested, accepted, changed the configuration)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from tandem.jira.client import JiraClient
from tandem.jira.errors import JiraError
from tandem.jira.pool import ClientPool
from tandem.sync.models import Side, Synchronization
from tandem.tenants.models import Tenant

# A name is a nicety: a page does not wait for a slow site's retries to show it.
LOOKUP_SECONDS = 3.0


async def _name(client: JiraClient, account_id: str) -> str | None:
    try:
        user = await asyncio.wait_for(client.get_user(account_id), LOOKUP_SECONDS)
    except (JiraError, TimeoutError):
        return None
    return user.display_name or None


async def display_names(
    jira: ClientPool[Tenant], sync: Synchronization, account_ids: Iterable[str | None]
) -> dict[str, str]:
    """Account id -> display name, looked up on the sites of ``sync``; an account no site
    knows (or a site that does not answer) is left out, and pages show its id."""
    tenants = {sync.tenant(side).id: sync.tenant(side) for side in Side}.values()
    clients = [jira.for_tenant(tenant) for tenant in tenants]
    names: dict[str, str] = {}
    for account_id in sorted({a for a in account_ids if a}):
        for client in clients:
            name = await _name(client, account_id)
            if name:
                names[account_id] = name
                break
    return names
