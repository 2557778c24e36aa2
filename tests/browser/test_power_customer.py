"""The Power Customer scenario clicked through in the simulator's Jira shell: the customer's
admin requests a synchronization of ACME with the support site's SUP, the support lead accepts
and configures it, publishes and starts it; then a customer issue arrives as an IT Help request.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, FrameLocator, Page, expect

from tandem.connect.descriptor import ADMIN_PAGE_KEY
from tandem.settings import Settings
from tests.support.e2e import Stack
from tests.sync.scenario import REQUEST_TYPE_FIELD, create_issue, project_issues

pytestmark = pytest.mark.browser

CASEY = "casey@acme.example"
SAM = "sam@support.example"
TIMEOUT_MS = 15_000


class Shell:
    """Jira's project settings page with Tandem's Issue Synchronization framed in it."""

    def __init__(self, page: Page, screenshots: Path) -> None:
        self.page = page
        self.frame: FrameLocator = page.frame_locator("#app-frame")
        self.screenshots = screenshots
        self.shots = 0

    async def open(self, base_url: str, project: str, viewer: str) -> None:
        app_key = Settings().app_key
        url = (
            f"{base_url}/plugins/servlet/ac/{app_key}/{ADMIN_PAGE_KEY}"
            f"?project.key={project}&as={viewer}"
        )
        await self.page.goto(url)
        heading = self.frame.get_by_role("heading", name="Issue Synchronization", level=1)
        await expect(heading).to_be_visible()
        await expect(self.frame.get_by_role("link", name="New synchronization")).to_be_visible()

    async def shot(self, name: str) -> None:
        self.shots += 1
        await self.page.screenshot(path=self.screenshots / f"{self.shots:02d}-{name}.png")

    async def click(self, role: str, name: str) -> None:
        await self.frame.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]

    async def notice(self, text: str) -> None:
        await expect(self.frame.get_by_role("status").filter(has_text=text)).to_be_visible()

    async def tab(self, name: str) -> None:
        await (
            self.frame.get_by_role("navigation", name="Configuration")
            .get_by_role("link", name=name)
            .click()
        )
        await expect(self.frame.get_by_role("heading", name=name, level=2)).to_be_visible()


async def request_from_acme(shell: Shell, stack: Stack) -> None:
    await shell.open(stack.customer.base_url, "ACME", CASEY)
    await shell.shot("acme-issue-synchronization")
    await shell.click("link", "New synchronization")
    await shell.click("link", "Synchronize with another Jira instance")
    await shell.frame.get_by_label("Jira site").fill(stack.support.base_url)
    await shell.frame.get_by_label("Project key").fill("SUP")
    await shell.frame.get_by_label("Name").fill("Acme support")
    await shell.shot("new-synchronization")
    await shell.click("button", "Send Request")
    await shell.notice("Request sent.")
    await shell.shot("request-sent")


async def accept_on_sup(shell: Shell, stack: Stack) -> None:
    await shell.open(stack.support.base_url, "SUP", SAM)
    row = shell.frame.get_by_role("row", name="Acme support")
    await expect(row.get_by_text("Requested", exact=True)).to_be_visible()
    await shell.shot("sup-pending-request")
    await row.get_by_role("link", name="View request Acme support").click()
    await shell.click("button", "Accept Request")
    await shell.notice("Request accepted.")
    await shell.shot("request-accepted")
    await shell.click("link", "Start configuration")
    await expect(shell.frame.get_by_role("heading", name="Configure Acme support")).to_be_visible()


async def map_issue_types(shell: Shell) -> None:
    await shell.click("link", "New Issue Type Mapping")
    await shell.frame.get_by_label("First to Second").check()
    await shell.click("button", "Next")
    for name in ("Task", "New Feature", "Improvement"):
        await shell.frame.get_by_label(name, exact=True).check()
    await shell.frame.get_by_label("become SUP issue type").select_option(label="IT Help")
    await shell.shot("create-issue-type-mapping")
    await shell.click("button", "Create")
    await shell.notice("Draft saved.")
    row = shell.frame.get_by_role("row", name="Task, New Feature, Improvement")
    await expect(row.get_by_text("need a default Customer Request Type")).to_be_visible()
    await shell.shot("issue-type-mappings")


async def default_request_types(shell: Shell) -> None:
    await shell.tab("Fields - Default Values")
    await shell.click("link", "+ Default value in SUP")
    await expect(
        shell.frame.get_by_role("heading", name="Create Default Value in SUP")
    ).to_be_visible()
    await shell.frame.get_by_label("Field", exact=True).select_option(label="Customer Request Type")
    await shell.click("button", "Next")
    await shell.frame.get_by_label("All Issue Types").uncheck()
    await expect(shell.frame.get_by_label("Default value", exact=True)).to_be_hidden()
    for issue_type, request_type in (
        ("IT Help", "Get IT Help"),
        ("Purchase", "Purchase request"),
        ("Access", "Request a new account"),
    ):
        await shell.frame.get_by_label(issue_type, exact=True).select_option(label=request_type)
    await shell.shot("create-default-value")
    await shell.click("button", "Create")
    await shell.notice("Draft saved.")
    await expect(shell.frame.get_by_role("cell", name="Request a new account")).to_be_visible()
    await shell.shot("default-values")


async def map_fields(shell: Shell) -> None:
    await shell.tab("Field Mappings")
    await shell.click("link", "Suggestions")
    await shell.frame.get_by_label("Summary", exact=True).check()
    await shell.frame.get_by_label("Description", exact=True).check()
    await shell.shot("field-suggestions")
    await shell.click("button", "Add selected fields")
    await shell.notice("Draft saved.")
    await expect(shell.frame.get_by_role("cell", name="Description").first).to_be_visible()
    await shell.shot("field-mappings")


async def comments(shell: Shell) -> None:
    await shell.tab("Comments")
    await shell.frame.get_by_label("Synchronize comments").check()
    await expect(shell.frame.get_by_label("Enriched")).to_be_checked()
    await shell.frame.get_by_label("Public comments (the customer sees them)").check()
    await shell.frame.get_by_label("Only public comments (shared with the customer)").check()
    await shell.shot("comments")
    await shell.click("button", "Save comment settings")
    await shell.notice("Draft saved.")
    await expect(shell.frame.get_by_label("Synchronize comments")).to_be_checked()


async def publish_and_start(shell: Shell) -> None:
    await shell.click("link", "Publish Draft")
    await expect(shell.frame.get_by_text("no problems")).to_be_visible()
    await shell.shot("publish-draft")
    await shell.click("button", "Publish Draft")
    await shell.notice("Draft published as revision 1.")
    await shell.click("button", "Start")
    await shell.notice("The synchronization is running.")
    await shell.shot("started")


async def test_power_customer_set_up_in_the_jira_shell(
    stack: Stack, browser: Browser, screenshots: Path
) -> None:
    expect.set_options(timeout=TIMEOUT_MS)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    shell = Shell(await context.new_page(), screenshots)

    await request_from_acme(shell, stack)
    await accept_on_sup(shell, stack)
    await map_issue_types(shell)
    await default_request_types(shell)
    await map_fields(shell)
    await comments(shell)
    await publish_and_start(shell)

    casey = stack.jira("customer", CASEY)
    await create_issue(casey, "New Feature", "Dark mode for the portal", "Customers asked.")
    await stack.settle()

    [request] = await project_issues(stack.jira("support", SAM), "SUP")
    assert request["fields"]["summary"] == "Dark mode for the portal"
    assert request["fields"]["issuetype"]["name"] == "IT Help"
    assert request["fields"][REQUEST_TYPE_FIELD]["requestType"]["name"] == "Get IT Help"

    await shell.click("link", "Monitor")
    await expect(shell.frame.get_by_text("Issues linked: 1")).to_be_visible()
    await shell.shot("monitor")
    await shell.page.goto(f"{stack.support.base_url}/browse/SUP?as={SAM}")
    await expect(shell.page.get_by_text("Dark mode for the portal")).to_be_visible()
    await shell.shot("sup-project-with-the-request")
    await context.close()
