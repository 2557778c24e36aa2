"""The Jira REST client Tandem uses for every site, its models, errors and ADF helpers.

It knows nothing of Connect, tenants or synchronizations: a site's auth is passed in.
"""

from __future__ import annotations

from tandem.jira.auth import ApiTokenAuth
from tandem.jira.client import JiraClient, NewIssue
from tandem.jira.errors import (
    JiraAuthError,
    JiraBadRequest,
    JiraConflict,
    JiraError,
    JiraNotFound,
    JiraPermissionError,
    JiraRateLimited,
    JiraUnavailable,
)
from tandem.jira.ratelimit import BucketLimit, RateLimits, RetryPolicy
from tandem.jira.stats import ClientStats

__all__ = [
    "ApiTokenAuth",
    "BucketLimit",
    "ClientStats",
    "JiraAuthError",
    "JiraBadRequest",
    "JiraClient",
    "JiraConflict",
    "JiraError",
    "JiraNotFound",
    "JiraPermissionError",
    "JiraRateLimited",
    "JiraUnavailable",
    "NewIssue",
    "RateLimits",
    "RetryPolicy",
]
