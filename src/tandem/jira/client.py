"""The async client for one Jira site: every call Tandem makes to Jira goes through it.

Calls are paced (a token bucket per endpoint, spacing of writes to one issue), retried with
exponential backoff and jitter on 429, 5xx, timeouts and connection errors, and counted in
``stats``. A call that may have changed something in Jira (a POST that creates) is repeated
only if the caller says it is safe (``idempotent=True``); a 429 or a refused connection is
always retried, because Jira never processed that request.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from tandem.jira import adf
from tandem.jira.errors import JiraError, JiraUnavailable, error_for_response
from tandem.jira.ratelimit import RateLimits, RetryPolicy, Throttle
from tandem.jira.schemas import (
    SD_PUBLIC_COMMENT,
    BulkCreateResult,
    Comment,
    CommentPage,
    CreatedIssue,
    CustomerRequest,
    EntityProperty,
    FieldMeta,
    FieldMetaPage,
    Issue,
    IssueType,
    IssueTypeStatuses,
    JiraField,
    JsmPage,
    MyPermissions,
    PermissionGrants,
    Project,
    ProjectPage,
    RequestComment,
    RequestType,
    SearchPage,
    ServiceDesk,
    Transition,
    User,
)
from tandem.jira.stats import TRANSPORT_ERROR, ClientStats

# Platform REST API v3
MYSELF = "/rest/api/3/myself"
USER = "/rest/api/3/user"
PROJECT_SEARCH = "/rest/api/3/project/search"
PROJECT = "/rest/api/3/project/{projectIdOrKey}"
PROJECT_STATUSES = "/rest/api/3/project/{projectIdOrKey}/statuses"
PROJECT_ISSUE_TYPES = "/rest/api/3/issuetype/project"
CREATE_META_FIELDS = "/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}"
FIELDS = "/rest/api/3/field"
MY_PERMISSIONS = "/rest/api/3/mypermissions"
PERMISSIONS_CHECK = "/rest/api/3/permissions/check"
ISSUES = "/rest/api/3/issue"
ISSUES_BULK = "/rest/api/3/issue/bulk"
ISSUE = "/rest/api/3/issue/{issueIdOrKey}"
TRANSITIONS = "/rest/api/3/issue/{issueIdOrKey}/transitions"
COMMENTS = "/rest/api/3/issue/{issueIdOrKey}/comment"
COMMENT = "/rest/api/3/issue/{issueIdOrKey}/comment/{id}"
ISSUE_PROPERTIES = "/rest/api/3/issue/{issueIdOrKey}/properties"
ISSUE_PROPERTY = "/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}"
SEARCH_JQL = "/rest/api/3/search/jql"
# Service Management REST API
SERVICE_DESKS = "/rest/servicedeskapi/servicedesk"
REQUEST_TYPES = "/rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype"
REQUESTS = "/rest/servicedeskapi/request"
REQUEST_COMMENTS = "/rest/servicedeskapi/request/{issueIdOrKey}/comment"

ADMINISTER_PROJECTS = "ADMINISTER_PROJECTS"
BULK_CREATE_MAX = 50
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_POOL = httpx.Limits(max_connections=20, max_keepalive_connections=10)
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
# The request never reached Jira: repeating it cannot apply it twice.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

M = TypeVar("M", bound=BaseModel)
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class NewIssue:
    """One issue to create: its fields (and ``update`` operations) and entity properties."""

    fields: Mapping[str, Any]
    properties: Mapping[str, Any] = field(default_factory=dict)
    update: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"fields": dict(self.fields)}
        if self.update:
            body["update"] = dict(self.update)
        if self.properties:
            body["properties"] = _properties(self.properties)
        return body


def _properties(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"key": key, "value": value} for key, value in values.items()]


def _csv(values: Sequence[str] | None) -> str | None:
    return ",".join(values) if values else None


def _params(**values: Any) -> dict[str, Any]:
    """Query parameters without the unset ones; booleans as Jira spells them."""
    return {
        key: (str(value).lower() if isinstance(value, bool) else value)
        for key, value in values.items()
        if value is not None
    }


def _comment_properties(
    properties: Mapping[str, Any] | None, internal: bool | None
) -> dict[str, Any]:
    merged = dict(properties or {})
    if internal is not None:
        merged[SD_PUBLIC_COMMENT] = {"internal": internal}
    return merged


class JiraClient:
    """One site's REST client. Use ``async with JiraClient(...) as jira:`` or ``aclose()``."""

    def __init__(
        self,
        base_url: str,
        auth: httpx.Auth,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        limits: httpx.Limits = DEFAULT_POOL,
        rate_limits: RateLimits | None = None,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.stats = ClientStats()
        self._throttle = Throttle(rate_limits or RateLimits())
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            auth=auth,
            transport=transport,
            timeout=timeout,
            limits=limits,
            headers={"Accept": "application/json", "User-Agent": "Tandem"},
        )

    async def __aenter__(self) -> JiraClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def __repr__(self) -> str:
        return f"JiraClient({self.base_url!r})"

    # --- users, projects, fields ---

    async def myself(self) -> User:
        return await self._model(User, "GET", MYSELF)

    async def get_user(self, account_id: str) -> User:
        return await self._model(User, "GET", USER, params={"accountId": account_id})

    async def search_projects(
        self, query: str | None = None, *, type_key: str | None = None, limit: int | None = None
    ) -> list[Project]:
        """Projects visible to the caller, matching ``query`` (key or name), page by page."""
        found: list[Project] = []
        while limit is None or len(found) < limit:
            params = _params(query=query, typeKey=type_key, startAt=len(found), maxResults=50)
            page = await self._model(ProjectPage, "GET", PROJECT_SEARCH, params=params)
            found.extend(page.values)
            if page.is_last or not page.values:
                break
        return found[:limit]

    async def get_project(self, project: str) -> Project:
        return await self._model(Project, "GET", PROJECT, path={"projectIdOrKey": project})

    async def project_statuses(self, project_id_or_key: str) -> list[IssueTypeStatuses]:
        """The statuses of each issue type of the project (id or key)."""
        path = {"projectIdOrKey": project_id_or_key}
        return self._models(IssueTypeStatuses, await self._call("GET", PROJECT_STATUSES, path))

    async def project_issue_types(self, project_id: str | int) -> list[IssueType]:
        response = await self._call("GET", PROJECT_ISSUE_TYPES, params={"projectId": project_id})
        return self._models(IssueType, response)

    async def create_meta_fields(self, project: str, issue_type_id: str) -> list[FieldMeta]:
        """The fields of the create screen of ``issue_type_id`` in ``project``."""
        path = {"projectIdOrKey": project, "issueTypeId": issue_type_id}
        found: list[FieldMeta] = []
        while True:
            params = {"startAt": len(found), "maxResults": 50}
            page = await self._model(FieldMetaPage, "GET", CREATE_META_FIELDS, path, params=params)
            found.extend(page.items)
            if not page.items or len(found) >= page.total:
                return found

    async def get_fields(self) -> list[JiraField]:
        return self._models(JiraField, await self._call("GET", FIELDS))

    # --- permissions ---

    async def my_permissions(
        self, permissions: Sequence[str], *, project: str | None = None, issue: str | None = None
    ) -> MyPermissions:
        """The caller's permissions, globally or in a project (id or key) or issue."""
        by_id = project is not None and project.isdigit()
        params = _params(
            permissions=",".join(permissions),
            projectId=project if by_id else None,
            projectKey=None if by_id else project,
            issueKey=issue,
        )
        return await self._model(MyPermissions, "GET", MY_PERMISSIONS, params=params)

    async def check_permissions(
        self,
        account_id: str,
        permissions: Sequence[str],
        project_ids: Sequence[int | str],
        *,
        global_permissions: Sequence[str] = (),
    ) -> PermissionGrants:
        """Which of ``permissions`` a user holds in those projects (``permissions/check``)."""
        body: dict[str, Any] = {
            "accountId": account_id,
            "projectPermissions": [
                {"permissions": list(permissions), "projects": [int(p) for p in project_ids]}
            ],
        }
        if global_permissions:
            body["globalPermissions"] = list(global_permissions)
        response = await self._call("POST", PERMISSIONS_CHECK, json=body, idempotent=True)
        return self._parse(PermissionGrants, response)

    async def is_project_admin(self, account_id: str, project: int | str) -> bool:
        """Whether ``account_id`` may administer the project (id, or key looked up first)."""
        project_id = (
            project if str(project).isdigit() else (await self.get_project(str(project))).id
        )
        grants = await self.check_permissions(account_id, [ADMINISTER_PROJECTS], [project_id])
        return grants.has_project_permission(ADMINISTER_PROJECTS, project_id)

    # --- issues ---

    async def create_issue(
        self,
        fields: Mapping[str, Any],
        *,
        properties: Mapping[str, Any] | None = None,
        update: Mapping[str, Any] | None = None,
        idempotent: bool = False,
    ) -> CreatedIssue:
        body = NewIssue(fields, properties or {}, update).to_json()
        response = await self._call("POST", ISSUES, json=body, idempotent=idempotent)
        return self._parse(CreatedIssue, response)

    async def create_issues(
        self, issues: Sequence[NewIssue], *, idempotent: bool = False
    ) -> BulkCreateResult:
        """Bulk create, 50 per call; ``failedElementNumber`` counts from the first of ``issues``."""
        result = BulkCreateResult()
        for offset in range(0, len(issues), BULK_CREATE_MAX):
            batch = issues[offset : offset + BULK_CREATE_MAX]
            part = await self._create_batch(batch, idempotent)
            result.issues.extend(part.issues)
            for error in part.errors:
                error.failed_element_number += offset
                result.errors.append(error)
        return result

    async def _create_batch(self, batch: Sequence[NewIssue], idempotent: bool) -> BulkCreateResult:
        body = {"issueUpdates": [issue.to_json() for issue in batch]}
        # Jira answers 400 with the same body when every issue of the batch failed.
        response = await self._call(
            "POST", ISSUES_BULK, json=body, idempotent=idempotent, accept=(400,)
        )
        if response.status_code == 400 and not _is_bulk_result(response):
            raise error_for_response(response)
        return self._parse(BulkCreateResult, response)

    async def get_issue(
        self,
        issue: str,
        *,
        fields: Sequence[str] | None = None,
        properties: Sequence[str] | None = None,
        expand: Sequence[str] | None = None,
    ) -> Issue:
        params = _params(fields=_csv(fields), properties=_csv(properties), expand=_csv(expand))
        return await self._model(Issue, "GET", ISSUE, {"issueIdOrKey": issue}, params=params)

    async def edit_issue(
        self,
        issue: str,
        *,
        fields: Mapping[str, Any] | None = None,
        update: Mapping[str, Any] | None = None,
        properties: Mapping[str, Any] | None = None,
        notify_users: bool | None = None,
        override_screen_security: bool | None = None,
    ) -> None:
        body: dict[str, Any] = {"fields": dict(fields or {})}
        if update:
            body["update"] = dict(update)
        if properties:
            body["properties"] = _properties(properties)
        params = _params(notifyUsers=notify_users, overrideScreenSecurity=override_screen_security)
        await self._write(issue, "PUT", ISSUE, {"issueIdOrKey": issue}, params=params, json=body)

    async def delete_issue(self, issue: str, *, delete_subtasks: bool = False) -> None:
        params = _params(deleteSubtasks=delete_subtasks)
        await self._write(issue, "DELETE", ISSUE, {"issueIdOrKey": issue}, params=params)

    async def get_transitions(self, issue: str) -> list[Transition]:
        response = await self._call("GET", TRANSITIONS, {"issueIdOrKey": issue})
        return self._models(Transition, response, key="transitions")

    async def transition_issue(
        self,
        issue: str,
        transition_id: str,
        *,
        fields: Mapping[str, Any] | None = None,
        idempotent: bool = False,
    ) -> None:
        body: dict[str, Any] = {"transition": {"id": transition_id}}
        if fields:
            body["fields"] = dict(fields)
        path = {"issueIdOrKey": issue}
        await self._write(issue, "POST", TRANSITIONS, path, json=body, idempotent=idempotent)

    # --- comments ---

    async def add_comment(
        self,
        issue: str,
        body: Any,
        *,
        internal: bool | None = None,
        properties: Mapping[str, Any] | None = None,
        idempotent: bool = False,
    ) -> Comment:
        """Add a comment (an ADF document; a string is read as wiki markup).

        ``internal`` sets the ``sd.public.comment`` property that makes a JSM comment internal.
        """
        payload: dict[str, Any] = {"body": adf.ensure_doc(body)}
        if merged := _comment_properties(properties, internal):
            payload["properties"] = _properties(merged)
        path = {"issueIdOrKey": issue}
        response = await self._write(
            issue, "POST", COMMENTS, path, json=payload, idempotent=idempotent
        )
        return self._parse(Comment, response)

    async def comment_page(
        self, issue: str, *, start_at: int = 0, max_results: int = 50, properties: bool = True
    ) -> CommentPage:
        params = _params(
            startAt=start_at,
            maxResults=max_results,
            orderBy="created",
            expand="properties" if properties else None,
        )
        return await self._model(CommentPage, "GET", COMMENTS, {"issueIdOrKey": issue}, params)

    async def iter_comments(
        self, issue: str, *, page_size: int = 50, properties: bool = True
    ) -> AsyncIterator[Comment]:
        """Every comment of ``issue``, oldest first, with their properties."""
        start = 0
        while True:
            page = await self.comment_page(
                issue, start_at=start, max_results=page_size, properties=properties
            )
            for comment in page.comments:
                yield comment
            start += len(page.comments)
            if not page.comments or start >= page.total:
                return

    async def get_comment(self, issue: str, comment_id: str, *, properties: bool = True) -> Comment:
        path = {"issueIdOrKey": issue, "id": comment_id}
        params = _params(expand="properties" if properties else None)
        return await self._model(Comment, "GET", COMMENT, path, params=params)

    async def update_comment(
        self,
        issue: str,
        comment_id: str,
        body: Any,
        *,
        internal: bool | None = None,
        properties: Mapping[str, Any] | None = None,
        notify_users: bool | None = None,
    ) -> Comment:
        payload: dict[str, Any] = {"body": adf.ensure_doc(body)}
        if merged := _comment_properties(properties, internal):
            payload["properties"] = _properties(merged)
        path = {"issueIdOrKey": issue, "id": comment_id}
        params = _params(notifyUsers=notify_users)
        response = await self._write(issue, "PUT", COMMENT, path, params=params, json=payload)
        return self._parse(Comment, response)

    async def delete_comment(self, issue: str, comment_id: str) -> None:
        await self._write(issue, "DELETE", COMMENT, {"issueIdOrKey": issue, "id": comment_id})

    # --- issue entity properties ---

    async def issue_property_keys(self, issue: str) -> list[str]:
        response = await self._call("GET", ISSUE_PROPERTIES, {"issueIdOrKey": issue})
        return [str(item["key"]) for item in self._json(response).get("keys", [])]

    async def get_issue_property(self, issue: str, key: str) -> EntityProperty:
        """The property; ``JiraNotFound`` if the issue has none with that key."""
        path = {"issueIdOrKey": issue, "propertyKey": key}
        return await self._model(EntityProperty, "GET", ISSUE_PROPERTY, path)

    async def set_issue_property(self, issue: str, key: str, value: Any) -> None:
        path = {"issueIdOrKey": issue, "propertyKey": key}
        await self._write(issue, "PUT", ISSUE_PROPERTY, path, json=value)

    async def delete_issue_property(self, issue: str, key: str) -> None:
        path = {"issueIdOrKey": issue, "propertyKey": key}
        await self._write(issue, "DELETE", ISSUE_PROPERTY, path)

    # --- search ---

    async def search_page(
        self,
        jql: str,
        *,
        fields: Sequence[str] = ("id",),
        properties: Sequence[str] = (),
        expand: Sequence[str] = (),
        max_results: int = 100,
        next_page_token: str | None = None,
        reconcile_issues: Sequence[str] = (),
    ) -> SearchPage:
        """One page; ``reconcile_issues`` (ids, 50 at most) are read fresh, not as indexed."""
        body: dict[str, Any] = {"jql": jql, "fields": list(fields), "maxResults": max_results}
        if properties:
            body["properties"] = list(properties)
        if reconcile_issues:
            body["reconcileIssues"] = [int(issue_id) for issue_id in reconcile_issues]
        if expand:
            body["expand"] = ",".join(expand)
        if next_page_token:
            body["nextPageToken"] = next_page_token
        response = await self._call("POST", SEARCH_JQL, json=body, idempotent=True)
        return self._parse(SearchPage, response)

    async def search(
        self,
        jql: str,
        *,
        fields: Sequence[str] = ("id",),
        properties: Sequence[str] = (),
        expand: Sequence[str] = (),
        page_size: int = 100,
        reconcile_issues: Sequence[str] = (),
    ) -> AsyncIterator[Issue]:
        """Every issue matching ``jql``, following ``nextPageToken``."""
        token: str | None = None
        while True:
            page = await self.search_page(
                jql,
                fields=fields,
                properties=properties,
                expand=expand,
                max_results=page_size,
                next_page_token=token,
                reconcile_issues=reconcile_issues,
            )
            for issue in page.issues:
                yield issue
            token = page.next_page_token
            if not token or page.is_last:
                return

    # --- Jira Service Management ---

    async def service_desks(self) -> list[ServiceDesk]:
        return await self._jsm_pages(ServiceDesk, SERVICE_DESKS, {})

    async def request_types(self, service_desk_id: str) -> list[RequestType]:
        return await self._jsm_pages(RequestType, REQUEST_TYPES, {"serviceDeskId": service_desk_id})

    async def create_customer_request(
        self,
        service_desk_id: str,
        request_type_id: str,
        fields: Mapping[str, Any],
        *,
        raise_on_behalf_of: str | None = None,
        participants: Sequence[str] = (),
        adf_fields: bool = False,
        idempotent: bool = False,
    ) -> CustomerRequest:
        """Raise a request; with ``adf_fields`` the description and other text are ADF."""
        body: dict[str, Any] = {
            "serviceDeskId": service_desk_id,
            "requestTypeId": request_type_id,
            "requestFieldValues": dict(fields),
        }
        if raise_on_behalf_of:
            body["raiseOnBehalfOf"] = raise_on_behalf_of
        if participants:
            body["requestParticipants"] = list(participants)
        if adf_fields:
            body["isAdfRequest"] = True
        response = await self._call("POST", REQUESTS, json=body, idempotent=idempotent)
        return self._parse(CustomerRequest, response)

    async def add_request_comment(
        self, issue: str, body: str, *, public: bool, idempotent: bool = False
    ) -> RequestComment:
        """A comment through the service desk API: ``public`` False makes it internal."""
        payload = {"body": body, "public": public}
        path = {"issueIdOrKey": issue}
        response = await self._write(
            issue, "POST", REQUEST_COMMENTS, path, json=payload, idempotent=idempotent
        )
        return self._parse(RequestComment, response)

    async def request_comments(
        self, issue: str, *, public: bool | None = None, internal: bool | None = None
    ) -> list[RequestComment]:
        params = _params(public=public, internal=internal)
        return await self._jsm_pages(
            RequestComment, REQUEST_COMMENTS, {"issueIdOrKey": issue}, params
        )

    async def _jsm_pages(
        self,
        model: type[M],
        template: str,
        path: Mapping[str, str],
        params: Mapping[str, Any] | None = None,
    ) -> list[M]:
        found: list[M] = []
        while True:
            query = {**(params or {}), "start": len(found), "limit": 50}
            response = await self._call("GET", template, path, params=query)
            page = self._parse(JsmPage[model], response)  # type: ignore[valid-type]
            found.extend(page.values)
            if page.is_last_page or not page.values:
                return found

    # --- transport: pacing, retries, errors ---

    async def _model(
        self,
        model: type[M],
        method: str,
        template: str,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> M:
        return self._parse(model, await self._call(method, template, path, params=params))

    async def _write(
        self,
        issue: str,
        method: str,
        template: str,
        path: Mapping[str, str],
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """A call that changes ``issue``: spaced from the other writes to that issue."""
        return await self._call(
            method, template, path, params=params, json=json, idempotent=idempotent, issue=issue
        )

    async def _call(
        self,
        method: str,
        template: str,
        path: Mapping[str, str] | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        issue: str | None = None,
        accept: tuple[int, ...] = (),
    ) -> httpx.Response:
        url = template.format(**{k: quote(str(v), safe="") for k, v in (path or {}).items()})
        attempt = _Attempt(
            endpoint=(method, template),
            url=self.base_url + url,
            repeatable=method in _IDEMPOTENT_METHODS if idempotent is None else idempotent,
            issue=issue,
            started=self._clock(),
        )
        while True:
            await self._pace(attempt)
            try:
                response = await self._http.request(method, url, params=params, json=json)
            except httpx.TransportError as exc:
                self.stats.record_call(attempt.name, TRANSPORT_ERROR)
                await self._retry_transport_error(attempt, exc)
                continue
            self.stats.record_call(attempt.name, response.status_code)
            if response.is_success or response.status_code in accept:
                return response
            await self._retry_response(attempt, response)

    async def _pace(self, attempt: _Attempt) -> None:
        wait = self._throttle.reserve(attempt.endpoint, self._clock(), attempt.issue)
        if wait > 0:
            self.stats.throttled_seconds += wait
            await self._sleep(wait)

    async def _retry_transport_error(self, attempt: _Attempt, exc: httpx.TransportError) -> None:
        """Wait before repeating a call that got no response, or raise ``JiraUnavailable``."""
        retryable = attempt.repeatable or isinstance(exc, _NOT_SENT)
        delay = self._delay(attempt, None)
        if not retryable or not self._within_budget(attempt, delay):
            raise JiraUnavailable(
                f"No response from Jira ({type(exc).__name__}: {exc})",
                method=attempt.endpoint[0],
                url=attempt.url,
            ) from exc
        self.stats.backoff_seconds += delay
        await self._wait_retry(attempt, delay)

    async def _retry_response(self, attempt: _Attempt, response: httpx.Response) -> None:
        """Wait before repeating a call after a 429 or 5xx, or raise its typed error."""
        status = response.status_code
        retry_after = self._retry_after(response)
        # A 429 means Jira turned the call away unprocessed: repeating it is always safe.
        retryable = status == 429 or (status >= 500 and status != 501 and attempt.repeatable)
        delay = self._delay(attempt, retry_after)
        if not retryable or not self._within_budget(attempt, delay):
            raise error_for_response(response, retry_after=retry_after)
        if status == 429:
            until = self._clock() + delay
            reason = response.headers.get("RateLimit-Reason")
            self._throttle.hold(reason, until, attempt.endpoint, attempt.issue)
            self.stats.rate_limited_seconds += delay
        else:
            self.stats.backoff_seconds += delay
        await self._wait_retry(attempt, delay)

    def _delay(self, attempt: _Attempt, retry_after: float | None) -> float:
        """What Jira asked for (with jitter), else exponential backoff."""
        if retry_after:
            return self.retry.with_jitter(retry_after, self._rng)
        return self.retry.backoff(attempt.retries + 1, self._rng)

    def _within_budget(self, attempt: _Attempt, delay: float) -> bool:
        spent = self._clock() - attempt.started
        return (
            attempt.retries + 1 < self.retry.max_attempts
            and spent + delay <= self.retry.max_total_seconds
        )

    async def _wait_retry(self, attempt: _Attempt, delay: float) -> None:
        attempt.retries += 1
        self.stats.record_retry(attempt.name)
        await self._sleep(delay)

    def _retry_after(self, response: httpx.Response) -> float | None:
        """Seconds Jira asks us to wait: ``Retry-After``, else ``X-RateLimit-Reset``."""
        header = response.headers.get("Retry-After")
        if header:
            return _seconds_from_header(header, self._clock())
        reset = response.headers.get("X-RateLimit-Reset")
        if reset:
            try:
                moment = datetime.fromisoformat(reset.strip())
            except ValueError:
                return None
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            return max(0.0, moment.timestamp() - self._clock())
        return None

    # --- decoding ---

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise self._bad_body(response) from exc

    def _parse(self, model: type[M], response: httpx.Response) -> M:
        try:
            return model.model_validate(self._json(response))
        except ValidationError as exc:
            raise self._bad_body(response) from exc

    def _models(self, model: type[M], response: httpx.Response, key: str | None = None) -> list[M]:
        data = self._json(response)
        items = data.get(key, []) if key and isinstance(data, dict) else data
        if not isinstance(items, list):
            raise self._bad_body(response)
        try:
            return [model.model_validate(item) for item in items]
        except ValidationError as exc:
            raise self._bad_body(response) from exc

    @staticmethod
    def _bad_body(response: httpx.Response) -> JiraError:
        return JiraError(
            "Unexpected response body",
            status=response.status_code,
            method=response.request.method,
            url=response.request.url,
        )


@dataclass
class _Attempt:
    """The state of one call across its retries."""

    endpoint: tuple[str, str]
    url: str
    repeatable: bool
    issue: str | None
    started: float
    retries: int = 0

    @property
    def name(self) -> str:
        return f"{self.endpoint[0]} {self.endpoint[1]}"


def _seconds_from_header(value: str, now: float) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date."""
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def _is_bulk_result(response: httpx.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("errors"), list)
