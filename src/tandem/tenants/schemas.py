"""The lifecycle payload Jira posts to the app."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class LifecyclePayload(BaseModel):
    """Body of ``installed``, ``uninstalled``, ``enabled`` and ``disabled`` callbacks."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    key: str
    client_key: str = Field(alias="clientKey", min_length=1)
    base_url: str = Field(alias="baseUrl", min_length=1)
    display_url: str | None = Field(default=None, alias="displayUrl")
    shared_secret: SecretStr | None = Field(default=None, alias="sharedSecret")
    product_type: str = Field(default="jira", alias="productType")
    description: str = ""
    event_type: str = Field(alias="eventType")
