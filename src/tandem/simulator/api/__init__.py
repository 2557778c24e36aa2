"""HTTP routers of the simulator: Jira's REST subset, the control API, pages, the key server."""
