"""Tenants: the Jira sites Tandem is installed in or connected to."""
