"""Jira Service Management: service desks, request types, customer requests and comments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tandem.jira.decoding import M, parse
from tandem.jira.endpoints.base import Endpoints, query_params
from tandem.jira.schemas import CustomerRequest, JsmPage, RequestComment, RequestType, ServiceDesk

SERVICE_DESKS = "/rest/servicedeskapi/servicedesk"
REQUEST_TYPES = "/rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype"
REQUESTS = "/rest/servicedeskapi/request"
REQUEST_COMMENTS = "/rest/servicedeskapi/request/{issueIdOrKey}/comment"


class ServiceDeskEndpoints(Endpoints):
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
        response = await self.transport.call("POST", REQUESTS, json=body, idempotent=idempotent)
        return parse(CustomerRequest, response)

    async def add_request_comment(
        self, issue: str, body: str, *, public: bool, idempotent: bool = False
    ) -> RequestComment:
        """A comment through the service desk API: ``public`` False makes it internal."""
        payload = {"body": body, "public": public}
        path = {"issueIdOrKey": issue}
        response = await self.transport.write(
            issue, "POST", REQUEST_COMMENTS, path, json=payload, idempotent=idempotent
        )
        return parse(RequestComment, response)

    async def request_comments(
        self, issue: str, *, public: bool | None = None, internal: bool | None = None
    ) -> list[RequestComment]:
        params = query_params(public=public, internal=internal)
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
            page_query = {**(params or {}), "start": len(found), "limit": 50}
            response = await self.transport.call("GET", template, path, params=page_query)
            page = parse(JsmPage[model], response)  # type: ignore[valid-type]
            found.extend(page.values)
            if page.is_last_page or not page.values:
                return found
