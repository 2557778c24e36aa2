"""Jira's REST endpoints, one group per resource, each calling through the client's transport.

``tandem.jira.client.JiraClient`` composes the groups into one interface.
"""
