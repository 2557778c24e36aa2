"""Connect: signed installs, app JWT calls, scopes, uninstall and disable."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import jwt
from atlassian_jwt.url_utils import hash_url

from tests.simulator.support import CASEY, SiteClient, app_jwt, check, issue_body
from tests.simulator.tiny_app import TinyApp, install, running

Client = Callable[[str, str], SiteClient]


def _verify_install_token(sim_url: str, app: TinyApp, path: str) -> dict[str, object]:
    call = app.calls(path)[-1]
    header = jwt.get_unverified_header(call.token)
    assert header["alg"] == "RS256" and header["kid"]
    pem = httpx.get(f"{sim_url}/connect-install-keys/{header['kid']}")
    assert pem.status_code == 200 and pem.headers["content-type"].startswith("text/plain")
    claims = jwt.decode(call.token, pem.text, algorithms=["RS256"], audience=app.base_url)
    assert claims["qsh"] == hash_url("POST", path)
    assert claims["exp"] > time.time()
    body = call.json()
    assert claims["iss"] == body["clientKey"]
    return dict(body)


def test_signed_install(sim_url: str) -> None:
    with running(TinyApp()) as app:
        result = install(sim_url, "customer", app)
        body = _verify_install_token(sim_url, app, "/installed")
    assert body["key"] == "tandem-test"
    assert body["baseUrl"] == f"{sim_url}/sites/customer"
    assert body["displayUrl"] == body["baseUrl"]
    assert body["productType"] == "jira" and body["eventType"] == "installed"
    assert body["sharedSecret"] == result["sharedSecret"]
    assert body["clientKey"] == result["clientKey"]
    for key in ("description", "serverVersion", "pluginsVersion"):
        assert body[key]
    assert httpx.get(f"{sim_url}/connect-install-keys/unknown").status_code == 404


def _app_call(
    sim_url: str, result: dict[str, str], method: str, path: str, **kwargs: object
) -> httpx.Response:
    request = httpx.Request(method, f"{sim_url}/sites/customer{path}", **kwargs)  # type: ignore[arg-type]
    relative = request.url.raw_path.decode().removeprefix("/sites/customer")
    token = app_jwt(
        key=result["key"], secret=result["sharedSecret"], method=method, relative_url=relative
    )
    request.headers["Authorization"] = f"JWT {token}"
    with httpx.Client() as http:
        response = http.send(request)
    check(response, "/sites/customer")
    return response


def test_app_calls_act_as_the_app_user(sim_url: str) -> None:
    with running(TinyApp()) as app:
        result = install(sim_url, "customer", app)
    me = _app_call(sim_url, result, "GET", "/rest/api/3/myself")
    assert me.status_code == 200, me.text
    assert me.json()["accountType"] == "app" and me.json()["displayName"] == "Tandem Test"
    assert me.json()["accountId"] == result["accountId"]
    created = _app_call(
        sim_url,
        result,
        "POST",
        "/rest/api/3/issue",
        json=issue_body("ACME", "Task", "From the app"),
    )
    assert created.status_code == 201, created.text
    issue = _app_call(sim_url, result, "GET", f"/rest/api/3/issue/{created.json()['key']}")
    assert issue.json()["fields"]["creator"]["accountId"] == result["accountId"]
    search = _app_call(
        sim_url,
        result,
        "GET",
        "/rest/api/3/search/jql",
        params={"jql": 'project = ACME AND summary ~ "the app"', "fields": "summary"},
    )
    assert search.status_code == 200, search.text
    assert len(search.json()["issues"]) == 1


def test_bad_app_tokens_get_401(sim_url: str) -> None:
    with running(TinyApp()) as app:
        result = install(sim_url, "customer", app)
    url = f"{sim_url}/sites/customer/rest/api/3/myself"
    cases = {
        "qsh": app_jwt(
            key=result["key"],
            secret=result["sharedSecret"],
            method="GET",
            relative_url="/rest/api/3/project/search",
        ),
        "expired": app_jwt(
            key=result["key"],
            secret=result["sharedSecret"],
            method="GET",
            relative_url="/rest/api/3/myself",
            issued=int(time.time()) - 600,
        ),
        "signature": app_jwt(
            key=result["key"],
            secret="not-the-secret-" + "x" * 40,
            method="GET",
            relative_url="/rest/api/3/myself",
        ),
        "installed": app_jwt(
            key="someone-else",
            secret=result["sharedSecret"],
            method="GET",
            relative_url="/rest/api/3/myself",
        ),
    }
    reasons = {}
    for name, token in cases.items():
        response = httpx.get(url, headers={"Authorization": f"JWT {token}"})
        assert response.status_code == 401, name
        check(response, "/sites/customer")
        reasons[name] = response.json()["errorMessages"][0]
    assert "qsh" in reasons["qsh"] and "expired" in reasons["expired"]
    assert "signature" in reasons["signature"] and "installed" in reasons["installed"]


def test_scopes_are_enforced(sim_url: str) -> None:
    with running(TinyApp(scopes=["READ"])) as app:
        result = install(sim_url, "customer", app)
    read = _app_call(sim_url, result, "GET", "/rest/api/3/project/search")
    assert read.status_code == 200
    statuses = _app_call(sim_url, result, "GET", "/rest/api/3/project/ACME/statuses")
    assert statuses.status_code == 200, statuses.text
    write = _app_call(
        sim_url, result, "POST", "/rest/api/3/issue", json=issue_body("ACME", "Task", "Not allowed")
    )
    assert write.status_code == 403


def test_override_screen_security_needs_an_admin_app(sim_url: str, client: Client) -> None:
    casey = client("customer", CASEY)
    casey.json("POST", "/rest/api/3/issue", 201, json=issue_body("ACME", "Task", "Typed"))
    with running(TinyApp(scopes=["READ", "WRITE"])) as writer:
        limited = install(sim_url, "customer", writer)
    denied = _app_call(
        sim_url,
        limited,
        "PUT",
        "/rest/api/3/issue/ACME-1",
        params={"overrideScreenSecurity": "true"},
        json={"fields": {"labels": ["x"]}},
    )
    assert denied.status_code == 403
    with running(TinyApp(key="admin-app")) as admin:
        result = install(sim_url, "customer", admin)
    allowed = _app_call(
        sim_url,
        result,
        "PUT",
        "/rest/api/3/issue/ACME-1",
        params={"overrideScreenSecurity": "true"},
        json={"fields": {"labels": ["x"]}},
    )
    assert allowed.status_code == 204, allowed.text


def test_install_failures(sim_url: str) -> None:
    with running(TinyApp(authentication="none")) as app:
        response = httpx.post(
            f"{sim_url}/sites/customer/_sim/install",
            json={"descriptorUrl": f"{app.base_url}/atlassian-connect.json"},
        )
    assert response.status_code == 400 and "jwt" in response.text
    with running(TinyApp(installed_status=500)) as app:
        response = httpx.post(
            f"{sim_url}/sites/customer/_sim/install",
            json={"descriptorUrl": f"{app.base_url}/atlassian-connect.json"},
        )
        assert response.status_code == 502
        assert app.calls("/installed")
    installed = httpx.get(f"{sim_url}/sites/customer/_sim/installations").json()
    assert installed["installations"] == []


def test_uninstall_disable_enable(sim_url: str) -> None:
    with running(TinyApp()) as app:
        result = install(sim_url, "customer", app)
        control = f"{sim_url}/sites/customer/_sim"
        assert httpx.post(f"{control}/disable", json={"key": result["key"]}).status_code == 200
        disabled = app.calls("/disabled")[-1]
        claims = jwt.decode(disabled.token, result["sharedSecret"], algorithms=["HS256"])
        assert claims["iss"] == result["clientKey"]
        assert _app_call(sim_url, result, "GET", "/rest/api/3/myself").status_code == 401
        assert httpx.post(f"{control}/enable", json={"key": result["key"]}).status_code == 200
        assert _app_call(sim_url, result, "GET", "/rest/api/3/myself").status_code == 200
        assert httpx.post(f"{control}/uninstall", json={"key": result["key"]}).status_code == 200
        body = _verify_install_token(sim_url, app, "/uninstalled")
        assert body["eventType"] == "uninstalled"
    assert _app_call(sim_url, result, "GET", "/rest/api/3/myself").status_code == 401
