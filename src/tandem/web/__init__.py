"""Tandem's web surface: health, the admin UI and the webhook receiver."""
