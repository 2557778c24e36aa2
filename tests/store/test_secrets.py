"""The secret box: encryption at rest with the key it is given."""

from __future__ import annotations

import pytest

from tandem.store.secrets import SecretBox, new_key


def test_secret_box_round_trips_and_hides_the_plaintext() -> None:
    box = SecretBox(new_key())
    ciphertext = box.encrypt("shared-secret-value")
    assert "shared-secret-value" not in ciphertext
    assert box.decrypt(ciphertext) == "shared-secret-value"


def test_decrypting_with_another_key_says_what_is_wrong() -> None:
    ciphertext = SecretBox(new_key()).encrypt("x")
    with pytest.raises(ValueError, match="TANDEM_SECRET_KEY differs"):
        SecretBox(new_key()).decrypt(ciphertext)


def test_invalid_key_is_refused_with_advice() -> None:
    with pytest.raises(ValueError, match="tandem secret-key"):
        SecretBox("not-a-key")
