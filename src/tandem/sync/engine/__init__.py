"""The engine: applies events to Jira (issues, comments), reconciliation and bulk copies."""
