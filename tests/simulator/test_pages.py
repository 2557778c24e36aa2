"""Human pages: the Jira shell framing an app's project admin page, project and issue pages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
from atlassian_jwt.url_utils import hash_url

from tests.simulator.support import ALEX, CASEY, PAT, SAM, SiteClient, adf, issue_body
from tests.simulator.tiny_app import TinyApp, install, running

Client = Callable[[str, str], SiteClient]
ADMIN_PANEL = {
    "jiraProjectAdminTabPanels": [
        {
            "key": "sync-admin",
            "name": {"value": "Issue Synchronization"},
            "url": "/admin?project=${project.key}&pid={project.id}",
            "location": "projectgroup4",
        }
    ]
}


def test_shell_frames_the_admin_page_with_a_page_token(sim_url: str, client: Client) -> None:
    casey = client("customer", CASEY)
    with running(TinyApp(extra_modules=ADMIN_PANEL)) as app:
        result = install(sim_url, "customer", app)
        page = httpx.get(
            f"{sim_url}/sites/customer/plugins/servlet/ac/tandem-test/sync-admin",
            params={"project.key": "ACME", "as": CASEY},
        )
        base = app.base_url
    assert page.status_code == 200 and "Issue Synchronization" in page.text
    src = html.unescape(re.search(r'<iframe id="app-frame" src="([^"]+)"', page.text)[1])  # type: ignore[index]
    assert src.startswith(f"{base}/admin?project=ACME&pid=10000&")
    query = parse_qs(urlsplit(src).query)
    assert query["xdm_e"] == [sim_url] and query["cp"] == ["/sites/customer"]
    assert query["xdm_c"] == ["channel-tandem-test__sync-admin"]
    claims = jwt.decode(query["jwt"][0], result["sharedSecret"], algorithms=["HS256"])
    assert claims["iss"] == result["clientKey"] and claims["sub"] == casey.account_id
    assert claims["qsh"] == hash_url("GET", src.removeprefix(base))
    switched = httpx.get(
        f"{sim_url}/sites/customer/plugins/servlet/ac/tandem-test/sync-admin",
        params={"project.key": "ACME", "as": casey.account_id},
    )
    assert "Chris Colleague" in switched.text
    missing = httpx.get(f"{sim_url}/sites/customer/plugins/servlet/ac/tandem-test/nope")
    assert missing.status_code == 404


def test_issue_page_shows_comments_by_visibility(sim_url: str, client: Client) -> None:
    sam = client("support", SAM)
    sam.json(
        "POST",
        "/rest/api/3/issue",
        201,
        json=issue_body(
            "SUP",
            "IT Help",
            "Broken <laptop>",
            customfield_10010="sup/getithelp",
            description=adf("It fell."),
        ),
    )
    sam.json(
        "POST",
        "/rest/api/3/issue/SUP-1/comment",
        201,
        json={
            "body": adf("Secret note"),
            "properties": [{"key": "sd.public.comment", "value": {"internal": True}}],
        },
    )
    sam.json("POST", "/rest/api/3/issue/SUP-1/comment", 201, json={"body": adf("Hello!")})
    agent_view = httpx.get(f"{sim_url}/sites/support/browse/SUP-1", params={"as": ALEX}).text
    assert "Broken &lt;laptop&gt;" in agent_view and "Get IT Help" in agent_view
    assert "Secret note" in agent_view and "Internal note" in agent_view
    customer_view = httpx.get(f"{sim_url}/sites/support/browse/SUP-1", params={"as": PAT}).text
    assert "Hello!" in customer_view and "Secret note" not in customer_view
    project = httpx.get(f"{sim_url}/sites/support/browse/SUP").text
    assert "SUP-1" in project and "Waiting for support" in project
    home = httpx.get(f"{sim_url}/sites/support/")
    assert home.status_code == 200 and "First Level Support" in home.text
    assert httpx.get(f"{sim_url}/sites/support/browse/SUP-99").status_code == 404
