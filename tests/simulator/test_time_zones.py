"""JQL dates are read in the searching user's time zone; users and app users have one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tandem.simulator import Simulator
from tandem.simulator.seed import SeedError, build_site
from tests.simulator.support import CASEY, SiteClient, issue_body
from tests.simulator.tiny_app import TinyApp, install, running

Client = Callable[[str, str], SiteClient]
SEARCH = "/rest/api/3/search/jql"


def _set_zone(simulator: Simulator, email: str, zone: str) -> None:
    site = simulator.site("customer")
    (user,) = [u for u in site.state.users if u.email == email]
    user.time_zone = zone


def _found(casey: SiteClient, clause: str) -> int:
    body = casey.json("GET", SEARCH, params={"jql": f"project = ACME AND {clause}"})
    return len(body["issues"])


def _wall_clock(zone: str, moment: datetime, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime(pattern)


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Asia/Tokyo"])
def test_date_literals_are_wall_clock_times_of_the_searcher(
    simulator: Simulator, client: Client, zone: str
) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Now"))
    _set_zone(simulator, CASEY, zone)
    before = datetime.now(UTC) - timedelta(minutes=2)
    after = datetime.now(UTC) + timedelta(minutes=2)

    assert _found(casey, f'updated >= "{_wall_clock(zone, before)}"') == 1
    assert _found(casey, f'updated >= "{_wall_clock(zone, after)}"') == 0
    slashed = _wall_clock(zone, before, "%Y/%m/%d %H:%M")
    assert _found(casey, f'created >= "{slashed}"') == 1
    utc_literal = before.strftime("%Y-%m-%d %H:%M")  # read as local time: hours off
    expected = 0 if zone == "America/Los_Angeles" else 1
    assert _found(casey, f'updated >= "{utc_literal}"') == expected
    assert _found(casey, 'updated >= "-5m"') == 1  # relative: the same instant in every zone


def test_a_date_alone_is_midnight_where_the_searcher_is(
    simulator: Simulator, client: Client
) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Today"))
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # UTC+14 and UTC-11
        _set_zone(simulator, CASEY, zone)
        today = _wall_clock(zone, datetime.now(UTC), "%Y-%m-%d")
        tomorrow = _wall_clock(zone, datetime.now(UTC) + timedelta(days=1), "%Y-%m-%d")
        assert _found(casey, f'created >= "{today}"') == 1
        assert _found(casey, f'created < "{tomorrow}"') == 1
        assert _found(casey, "created >= startOfDay()") == 1


def test_users_take_the_site_default_zone_and_can_have_their_own() -> None:
    state = build_site(
        {
            "name": "zoned",
            "defaultTimeZone": "Europe/Berlin",
            "users": [
                {"displayName": "Default", "email": "d@zoned.example"},
                {"displayName": "Own", "email": "o@zoned.example", "timeZone": "Asia/Tokyo"},
            ],
        }
    )
    assert [u.time_zone for u in state.users] == ["Europe/Berlin", "Asia/Tokyo"]
    with pytest.raises(SeedError, match="unknown time zone"):
        build_site({"name": "bad", "users": [{"displayName": "X", "timeZone": "Mars/Olympus"}]})


def test_app_users_get_the_site_default_zone(simulator: Simulator, sim_url: str) -> None:
    simulator.site("customer").state.default_time_zone = "America/Los_Angeles"
    with running(TinyApp()) as app:
        result = install(sim_url, "customer", app)
    site = simulator.site("customer")
    user = site.user(result["accountId"])
    assert user is not None and user.time_zone == "America/Los_Angeles"
