"""``/metrics`` in Prometheus' text format: the event queue, synchronizations, Jira calls.

Tenants are labelled by their id, never by their site address, so that nothing about them
is told to whoever can reach the endpoint.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from fastapi import APIRouter, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from tandem.jira.stats import ClientStats
from tandem.sync.models import Event, Synchronization
from tandem.web.deps import ServicesDep

router = APIRouter(tags=["metrics"])


class Snapshot(Collector):
    """Metrics gathered once per scrape."""

    def __init__(self, metrics: Iterable[Metric]) -> None:
        self._metrics = list(metrics)

    def collect(self) -> Iterator[Metric]:
        yield from self._metrics


def _jira_metrics(stats: dict[int, ClientStats]) -> list[Metric]:
    calls = CounterMetricFamily(
        "tandem_jira_calls", "Calls to Jira", labels=["tenant", "endpoint", "status"]
    )
    retries = CounterMetricFamily(
        "tandem_jira_retries", "Calls to Jira repeated", labels=["tenant", "endpoint"]
    )
    waited = CounterMetricFamily(
        "tandem_jira_rate_limited_seconds", "Seconds waited on Jira's 429s", labels=["tenant"]
    )
    for tenant_id, site in sorted(stats.items()):
        for (endpoint, status), count in sorted(site.calls.items(), key=str):
            calls.add_metric([str(tenant_id), endpoint, str(status)], count)
        for endpoint, count in sorted(site.retries.items()):
            retries.add_metric([str(tenant_id), endpoint], count)
        waited.add_metric([str(tenant_id)], site.rate_limited_seconds)
    return [calls, retries, waited]


@router.get("/metrics")
async def metrics(services: ServicesDep) -> Response:
    async with services.database.transaction() as session:
        events = (
            await session.execute(select(Event.status, func.count(Event.id)).group_by(Event.status))
        ).all()
        syncs = (
            await session.execute(
                select(Synchronization.state, func.count(Synchronization.id)).group_by(
                    Synchronization.state
                )
            )
        ).all()
    queue = GaugeMetricFamily("tandem_events", "Events by status", labels=["status"])
    for status, count in events:
        queue.add_metric([status.value], count)
    states = GaugeMetricFamily(
        "tandem_synchronizations", "Synchronizations by state", labels=["state"]
    )
    for state, count in syncs:
        states.add_metric([state.value], count)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(Snapshot([queue, states, *_jira_metrics(services.clients.stats())]))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
