"""The Power Customer story: set-up through Tandem's API, then the customer and the support
team at work, each step printed with links to open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tandem.connect.descriptor import ADMIN_PAGE_KEY
from tandem.demo.stack import DemoStack
from tandem.jira import adf
from tandem.sync.config import presets
from tandem.sync.config.metadata import ProjectMeta

Echo = Callable[[str], None]
CUSTOMER = "casey@acme.example"
SUPPORT_ADMIN = "sam@support.example"
AGENT = "alex@support.example"
INTERNAL = {"key": "sd.public.comment", "value": {"internal": True}}
PUBLIC = {"key": "sd.public.comment", "value": {"internal": False}}
CUSTOMER_ISSUES = (
    ("Task", "VPN drops every hour", "Since Monday the VPN disconnects at the top of each hour."),
    ("New Feature", "Single sign-on for the portal", "We would like to log in with our IdP."),
    ("Improvement", "Faster invoice export", "Exporting a year of invoices takes minutes."),
    ("Bug", "Typo on our own intranet", "Stays in Acme's project: Bug is not mapped."),
)


def _ok(response: httpx.Response) -> dict[str, Any]:
    if response.is_error:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.text}")
    return dict(response.json()) if response.content else {}


def browse(stack: DemoStack, site: str, key: str) -> str:
    return f"{stack.sites[site].base_url}/browse/{key}"


def admin_page(stack: DemoStack, site: str, project: str, email: str) -> str:
    base = stack.sites[site].base_url
    app_key = stack.settings.app_key
    return f"{base}/plugins/servlet/ac/{app_key}/{ADMIN_PAGE_KEY}?project.key={project}&as={email}"


def introduce(stack: DemoStack, echo: Echo) -> None:
    echo(f"Tandem is running at {stack.tandem_url} (data in {stack.data_dir})")
    echo(f"Jira simulator at {stack.sim_url}")
    for name, site in stack.sites.items():
        echo(f"  {name} site: {site.base_url}")
        for email, user in site.users.items():
            if user.get("apiToken"):
                echo(f"    {user['displayName']:<16} {email:<24} API token {user['apiToken']}")
    echo("")


async def set_up(stack: DemoStack, echo: Echo) -> int:
    """Request, accept, configure, publish and start the synchronization."""
    async with (
        await stack.api("customer", "ACME", CUSTOMER) as customer,
        await stack.api("support", "SUP", SUPPORT_ADMIN) as support,
    ):
        sync = _ok(
            await customer.post(
                "/api/synchronizations",
                json={
                    "name": "Acme Power Customer",
                    "site_url": stack.sites["support"].base_url,
                    "project": "SUP",
                },
            )
        )
        sync_id = int(sync["id"])
        echo(f"1. Casey (Acme admin) sent a synchronization request ACME -> SUP (#{sync_id})")
        _ok(await support.post(f"/api/synchronizations/{sync_id}/accept"))
        echo("2. Sam (support lead) accepted it")
        meta = _ok(await customer.get(f"/api/synchronizations/{sync_id}/metadata"))
        config = presets.power_customer(
            ProjectMeta.model_validate(meta["first"]), ProjectMeta.model_validate(meta["second"])
        )
        _ok(
            await customer.put(
                f"/api/synchronizations/{sync_id}/draft", json=config.model_dump(mode="json")
            )
        )
        echo(
            "3. Configured: Task, New Feature, Improvement -> IT Help (request type Get IT Help);"
            " Summary and Description; comments enriched, public from ACME, public only from SUP"
        )
        published = _ok(await customer.post(f"/api/synchronizations/{sync_id}/publish"))
        _ok(await customer.post(f"/api/synchronizations/{sync_id}/start"))
        echo(f"4. Published revision {published['revision']} and started")
    echo(f"   Admin page (ACME): {admin_page(stack, 'customer', 'ACME', CUSTOMER)}")
    echo(f"   Admin page (SUP):  {admin_page(stack, 'support', 'SUP', SUPPORT_ADMIN)}")
    return sync_id


async def _copy_of(support: httpx.AsyncClient, summary: str) -> str | None:
    found = _ok(
        await support.post(
            "/rest/api/3/search/jql",
            json={"jql": "project = SUP ORDER BY created ASC", "fields": ["summary"]},
        )
    )
    return next((i["key"] for i in found["issues"] if i["fields"]["summary"] == summary), None)


async def _comment(jira: httpx.AsyncClient, issue: str, text: str, **extra: Any) -> None:
    _ok(
        await jira.post(
            f"/rest/api/3/issue/{issue}/comment", json={"body": adf.from_text(text), **extra}
        )
    )


async def play(stack: DemoStack, echo: Echo) -> None:
    """The customer and the support team at work; waits for Tandem after each step."""
    async with stack.jira("customer", CUSTOMER) as casey, stack.jira("support", AGENT) as alex:
        keys = []
        for issue_type, summary, description in CUSTOMER_ISSUES:
            created = _ok(
                await casey.post(
                    "/rest/api/3/issue",
                    json={
                        "fields": {
                            "project": {"key": "ACME"},
                            "issuetype": {"name": issue_type},
                            "summary": summary,
                            "description": adf.from_text(description),
                        }
                    },
                )
            )
            keys.append(created["key"])
        await stack.settle()
        echo("5. Casey created four issues in ACME:")
        for key, (issue_type, summary, _) in zip(keys, CUSTOMER_ISSUES, strict=True):
            copy = await _copy_of(alex, summary)
            arrow = f"-> {copy} {browse(stack, 'support', copy)}" if copy else "(not synchronized)"
            echo(f"   {key} {issue_type:<12} {browse(stack, 'customer', key)} {arrow}")
        vpn = keys[0]
        request = await _copy_of(alex, CUSTOMER_ISSUES[0][1]) or ""
        await _comment(casey, vpn, "It happened again at 10:00 and at 11:00.")
        await stack.settle()
        echo(f"6. Casey commented on {vpn}: it arrives on {request} as a public comment")
        await _comment(alex, request, "Could you send us the router logs?", properties=[PUBLIC])
        await stack.settle()
        echo(f"7. Alex replied publicly on {request}: the reply appears on {vpn}")
        await _comment(
            alex, request, "Legacy plan; escalate to level 2 if it persists.", properties=[INTERNAL]
        )
        await stack.settle()
        echo(f"8. Alex added an internal note on {request}: it stays in SUP")
        _ok(
            await casey.put(
                f"/rest/api/3/issue/{vpn}",
                json={"fields": {"summary": "VPN drops every hour (office only)"}},
            )
        )
        await stack.settle()
        echo(f"9. Casey refined the summary of {vpn}: {request} follows")
