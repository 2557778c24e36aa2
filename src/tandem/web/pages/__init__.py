"""The admin pages: server-rendered in Jira's iframe, each route an adapter over one use case
of ``tandem.usecases``."""
