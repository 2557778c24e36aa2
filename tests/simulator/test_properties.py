"""Issue entity properties."""

from __future__ import annotations

from collections.abc import Callable

from tests.simulator.support import CASEY, SiteClient, issue_body

Client = Callable[[str, str], SiteClient]


def test_property_lifecycle(client: Client) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Props"))
    base = "/rest/api/3/issue/ACME-1/properties"
    assert casey.json("GET", base) == {"keys": []}
    casey.json("PUT", f"{base}/tandem.link", 201, json={"syncId": "s1", "peer": "SUP-1"})
    casey.json("PUT", f"{base}/tandem.link", 200, json={"syncId": "s1", "peer": "SUP-2"})
    keys = casey.json("GET", base)["keys"]
    assert [k["key"] for k in keys] == ["tandem.link"]
    assert keys[0]["self"].endswith("/rest/api/3/issue/10000/properties/tandem.link")
    value = casey.json("GET", f"{base}/tandem.link")
    assert value == {"key": "tandem.link", "value": {"syncId": "s1", "peer": "SUP-2"}}
    casey.json("DELETE", f"{base}/tandem.link", 204)
    casey.json("GET", f"{base}/tandem.link", 404)
    casey.json("DELETE", f"{base}/tandem.link", 404)


def test_property_value_limit(client: Client) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Props"))
    casey.json("PUT", "/rest/api/3/issue/ACME-1/properties/big", 400, json={"x": "a" * 33000})
