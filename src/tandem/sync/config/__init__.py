"""Configuration: the document, drafts and publishing, what projects offer, presets, files."""
