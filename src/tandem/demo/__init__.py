"""`tandem demo`: the Power Customer scenario, played on two simulated Jira sites."""
