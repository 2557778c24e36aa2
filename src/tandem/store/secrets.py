"""Secrets at rest: Fernet encryption with a key the caller passes in (see ``tandem.keys``)."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken


class SecretBox:
    """Encrypts and decrypts short secrets (shared secrets, API tokens)."""

    def __init__(self, key: str) -> None:
        try:
            self._fernet = Fernet(key.encode())
        except ValueError as exc:
            raise ValueError(
                "TANDEM_SECRET_KEY is not a valid key: use `tandem secret-key` to make one"
            ) from exc

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as exc:
            raise ValueError(
                "a stored secret cannot be decrypted: TANDEM_SECRET_KEY differs from the key "
                "it was encrypted with"
            ) from exc


def new_key() -> str:
    return Fernet.generate_key().decode()
