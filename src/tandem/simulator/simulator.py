"""All simulated sites of one process, the install key pair and the webhook dispatcher."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import httpx

from . import adf, comments, events, issues, seed
from .counters import Counters
from .errors import JiraError
from .events import Event
from .jql import parse
from .jql_eval import Evaluator
from .models import Installation, SimulatorState, SiteState, WebhookModule
from .search import extractions
from .site import Site
from .tokens import KeyPair
from .webhooks import JIRA_CLOUD_RETRY_DELAYS, Delivery, Dispatcher, Target

DEFAULT_ROOT_URL = "http://127.0.0.1:8900"


class Simulator:
    """In-memory state of every site; the app serves it, tests and the CLI drive it."""

    def __init__(
        self,
        *,
        public_url: str | None = None,
        keys: KeyPair | None = None,
        retry_delays: Sequence[float] = JIRA_CLOUD_RETRY_DELAYS,
        webhook_time_scale: float = 1.0,
    ) -> None:
        """``webhook_time_scale`` multiplies the webhook retry delays (0.001: 30 min in 1.8 s)."""
        self.public_url = public_url.rstrip("/") if public_url else None
        self.keys = keys or KeyPair.generate()
        self.sites: dict[str, Site] = {}
        self.counters = Counters()
        self.dispatcher = Dispatcher(
            self._target, retry_delays=retry_delays, time_scale=webhook_time_scale
        )
        self.transport: httpx.AsyncBaseTransport | None = None

    @classmethod
    def from_scenario(
        cls,
        source: str | Path | dict[str, Any] | None = None,
        *,
        sites: Iterable[str] | None = None,
        **options: Any,
    ) -> Simulator:
        """Sites from a scenario (default: the bundled power-customer one), optionally some."""
        simulator = cls(**options)
        wanted = set(sites) if sites is not None else None
        for spec in seed.site_specs(seed.load_document(source)):
            if wanted is None or spec.get("name") in wanted:
                simulator.add_site(spec)
        return simulator

    @property
    def root_url(self) -> str:
        return self.public_url or DEFAULT_ROOT_URL

    def learn_root_url(self, url: str) -> None:
        """Without a configured public URL, the first request tells where we are served."""
        if self.public_url is None:
            self.public_url = url.rstrip("/")

    def site(self, name: str) -> Site:
        return self.sites[name]

    def add_site(self, spec: dict[str, Any]) -> Site:
        state = seed.build_site(spec)
        if state.name in self.sites:
            raise seed.SeedError(f"site '{state.name}' already exists")
        site = self.attach(state)
        for issue_spec in spec.get("issues", []):
            _seed_issue(site, issue_spec)
        return site

    def attach(self, state: SiteState) -> Site:
        site = Site(state, root_url=lambda: self.root_url, sink=self._publish)
        for issue in state.issues.values():
            site.index.seed(issue)
        self.sites[state.name] = site
        return site

    # Webhooks

    def _publish(self, site: Site, event: Event) -> None:
        for installation in list(site.state.installations.values()):
            if not installation.enabled:
                continue
            for module in installation.webhooks:
                if module.event == event.name and _matches(site, installation, module, event):
                    self._deliver(site, installation, module, event)

    def _deliver(
        self, site: Site, installation: Installation, module: WebhookModule, event: Event
    ) -> None:
        viewer = site.user(installation.account_id)
        body = None if module.exclude_body else events.payload(site, event, viewer)
        faults = site.faults.webhooks
        delivery = Delivery(
            site=site.name,
            app_key=installation.key,
            event=event.name,
            url=_join(installation.base_url, module.url),
            body=body,
            lost_acknowledgements=faults.lost_acknowledgements if faults else 0,
        )
        if faults and site.rng.random() < faults.drop_rate:
            self.dispatcher.drop(delivery)
            return
        copies = 2 if faults and site.rng.random() < faults.duplicate_rate else 1
        for _ in range(copies):
            delay = site.rng.uniform(0, faults.reorder_window_ms) / 1000 if faults else 0
            self.dispatcher.submit(_copy(delivery) if copies > 1 else delivery, delay=delay)

    def _target(self, delivery: Delivery) -> Target | None:
        site = self.sites.get(delivery.site)
        installation = site.installation(delivery.app_key) if site else None
        if installation is None or not installation.enabled:
            return None
        return Target(installation.client_key, installation.shared_secret, installation.base_url)

    # State

    def state(self) -> SimulatorState:
        return SimulatorState(
            sites={name: site.state for name, site in self.sites.items()},
            private_key_pem=self.keys.private_pem,
            key_id=self.keys.kid,
        )

    @classmethod
    def from_state(cls, state: SimulatorState, **options: Any) -> Simulator:
        if state.private_key_pem and state.key_id and "keys" not in options:
            options["keys"] = KeyPair(kid=state.key_id, private_pem=state.private_key_pem)
        simulator = cls(**options)
        for site_state in state.sites.values():
            simulator.attach(site_state)
        return simulator


def _join(base_url: str, path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def _copy(delivery: Delivery) -> Delivery:
    return Delivery(
        site=delivery.site,
        app_key=delivery.app_key,
        event=delivery.event,
        url=delivery.url,
        body=delivery.body,
        identifier=delivery.identifier,
        lost_acknowledgements=delivery.lost_acknowledgements,
    )


def _matches(site: Site, installation: Installation, module: WebhookModule, event: Event) -> bool:
    if not module.filter:
        return True
    viewer = site.user(installation.account_id)
    if viewer is None:
        return False
    try:
        predicate = Evaluator(site, viewer, extractions(site)).predicate(parse(module.filter))
    except JiraError:
        return False
    return predicate(event.issue)


def _seed_issue(site: Site, spec: dict[str, Any]) -> None:
    reporter = site.user_by_reference(spec.get("reporter", ""))
    project = site.project(spec.get("project"))
    kind = site.issue_type_by_name(spec.get("issueType", "")) if project else None
    if reporter is None or project is None or kind is None:
        raise seed.SeedError(f"seed issue needs a known project, issueType and reporter: {spec}")
    values: dict[str, Any] = {"summary": spec.get("summary", "Untitled")}
    if spec.get("description"):
        values["description"] = adf.from_text(spec["description"])
    if spec.get("labels"):
        values["labels"] = list(spec["labels"])
    issue = issues.insert_issue(site, reporter, project, kind, values, reporter=reporter.account_id)
    for note in spec.get("comments", []):
        author = site.user_by_reference(note.get("author", "")) or reporter
        comments.add_comment(
            site,
            author,
            issue,
            adf.from_text(note.get("body", "")),
            internal=bool(note.get("internal", False)),
        )
    site.index.seed(issue)
