"""Passwords are stored with Argon2, the OWASP first choice (P12)."""

import pytest
from django.contrib.auth.hashers import identify_hasher

from vivre.accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.argon2, pytest.mark.promise("P12")]


def test_a_new_customer_password_is_hashed_with_argon2():
    user = User.objects.create_user("ada@example.com", "a long quiet password")

    assert identify_hasher(user.password).algorithm == "argon2"
    assert "a long quiet password" not in user.password
    assert user.check_password("a long quiet password")


def test_an_older_hash_is_upgraded_to_argon2_at_sign_in(client):
    from django.contrib.auth.hashers import make_password

    user = User.objects.create_user("ada@example.com")
    user.password = make_password("a long quiet password", hasher="pbkdf2_sha256")
    user.save()

    client.post(
        "/account/sign-in/", {"username": "ada@example.com", "password": "a long quiet password"}
    )

    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
