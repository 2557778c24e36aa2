"""The event queue: intake of verified webhooks, claims, the worker, failure handling."""
