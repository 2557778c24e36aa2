"""Rich text that a webhook carries as wiki markup is read again as ADF, never copied flat.

Jira Cloud's webhooks are REST v2 representations: the description, multi-line custom fields
and comment bodies arrive as wiki-markup strings, a rendering that loses structure (lists,
code blocks, tables, panels and mentions would become literal text). The rules:

1. *Which values are wiki markup.* A string where a document may stand: the description
   (``fieldtypes.DOCUMENT_FIELDS``) whenever it is a string; and in a payload whose rich text
   is wiki markup (``WebhookEvent.wiki_bodies``), any string value of a mapped field other
   than the summary, because a multi-line custom field cannot be told from a one-line one by
   its value. Issues Tandem reads itself (REST v3) carry documents, never wiki markup.
2. *A value that must be copied is read as ADF.* When the copy is created, or when the
   event's changelog names the field, Tandem reads the v3 value of just those fields (one
   ``GET issue?fields=...``) and copies that. A comment body in wiki markup is replaced by the
   comment read with ``GET comment`` (``tandem.sync.engine.comments``), after the payload's
   visibility check, so an internal note costs nothing.
3. *A value nobody changed is not written.* A wiki-markup value the changelog does not name
   (a comment also arrives as a ``jira:issue_updated`` without changelog) is left alone, as a
   field the payload does not carry: it cannot be compared with the hash of the ADF written
   last (a flattened document never equals it), and Jira names every field it changes in the
   changelog, so no change is missed. Reconciliation and retries read issues in v3, where
   every field is compared as before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from tandem.jira.client import JiraClient
from tandem.jira.errors import JiraNotFound
from tandem.sync.config.fieldtypes import DOCUMENT_FIELDS
from tandem.sync.config.schemas import SyncConfig
from tandem.sync.engine import mapping
from tandem.sync.engine.context import Context
from tandem.sync.models import Side


def wiki_fields(
    config: SyncConfig, source: Side, issue: mapping.SourceIssue, *, wiki_payload: bool
) -> list[str]:
    """The mapped fields of ``issue`` whose value is wiki markup (rule 1); ``wiki_payload``:
    the issue comes from a payload whose rich text is wiki markup."""
    mapped = [m.field(source).id for m in config.field_mappings(source)]
    return [
        field_id
        for field_id in dict.fromkeys(mapped)
        if isinstance(issue.fields.get(field_id), str)
        and (field_id in DOCUMENT_FIELDS or (wiki_payload and field_id != mapping.SUMMARY))
    ]


async def with_documents(
    client: JiraClient,
    ctx: Context,
    issue: mapping.SourceIssue,
    *,
    read: Collection[str] | None,
) -> mapping.SourceIssue | None:
    """``issue`` (from the event's payload) without wiki markup: the wiki-markup fields named
    in ``read`` (None: all of them) replaced by their v3 values (one call, none if there are
    none), the others removed (unknown, so never written). None: the issue no longer exists."""
    wiki = wiki_fields(ctx.config, ctx.source, issue, wiki_payload=ctx.webhook.wiki_bodies)
    if not wiki:
        return issue
    fields = {k: v for k, v in issue.fields.items() if k not in wiki}
    wanted = sorted(f for f in wiki if read is None or f in read)
    if wanted:
        try:
            found = await client.get_issue(issue.id, fields=wanted)
        except JiraNotFound:
            return None
        current = mapping.source_issue(found)
        fields.update({f: current.fields[f] for f in wanted if f in current.fields})
    return dataclasses.replace(issue, fields=fields)
