"""Platform v3 attachments: add (multipart), metadata, content, delete."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile

from .. import attachments, issues
from ..errors import JiraError, bad_request
from .deps import SITE_PREFIX, ActorDep, SiteDep, no_content, ok

router = APIRouter(prefix=SITE_PREFIX + "/rest/api/3")


@router.post("/issue/{issueIdOrKey}/attachments")
async def add_attachments(
    issueIdOrKey: str, request: Request, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    """The files are the multipart parts named ``file``; without the XSRF header, 403."""
    if request.headers.get("x-atlassian-token", "").lower() != attachments.NO_CHECK:
        raise JiraError(403, ["XSRF check failed"])
    issue = issues.visible_issue(site, actor.user, issueIdOrKey)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise JiraError(415, ["The request must be multipart/form-data."])
    files = []
    async with request.form() as form:
        for part in form.getlist("file"):
            if isinstance(part, UploadFile):
                files.append((part.filename or "file", part.content_type or "", await part.read()))
    if not files:
        raise bad_request("No file was sent in a part named 'file'.")
    added = attachments.add(site, actor.user, issue, files)
    return ok([attachments.view(site, a, actor.user) for a in added])


@router.get("/attachment/meta")
async def attachment_settings(site: SiteDep, actor: ActorDep) -> JSONResponse:
    return ok({"enabled": True, "uploadLimit": attachments.UPLOAD_LIMIT})


@router.get("/attachment/{id}")
async def get_attachment(id: str, site: SiteDep, actor: ActorDep) -> JSONResponse:
    attachment, _ = attachments.visible(site, actor.user, id)
    # The metadata's id is a number; the upload's answer gives it as a string.
    return ok({**attachments.view(site, attachment, actor.user), "id": int(attachment.id)})


@router.get("/attachment/content/{id}")
async def get_content(id: str, site: SiteDep, actor: ActorDep) -> Response:
    """The file itself (Jira may redirect to its media store; the simulator answers 200)."""
    attachment, _ = attachments.visible(site, actor.user, id)
    return Response(
        attachments.content(attachment),
        media_type=attachment.mime_type,
        headers={"Content-Disposition": f'attachment; filename="{attachment.filename}"'},
    )


@router.delete("/attachment/{id}")
async def delete_attachment(id: str, site: SiteDep, actor: ActorDep) -> Response:
    attachments.delete(site, actor.user, id)
    return no_content()
