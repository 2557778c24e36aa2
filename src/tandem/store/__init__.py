"""Persistence: the database, the unit of work, migrations and secrets at rest."""
