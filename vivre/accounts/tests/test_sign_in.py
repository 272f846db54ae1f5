"""Sign-in (P12): one generic error, session key rotated, throttled per account and per IP."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import Client
from django.urls import reverse

from vivre.accounts.models import User
from vivre.accounts.tests.test_registration import PASSWORD, make_customer

pytestmark = pytest.mark.django_db

SIGN_IN = "/account/sign-in/"
GENERIC = "The e-mail or password is not right."


def sign_in(client, email="ada@example.com", password=PASSWORD, user_agent="", **fields):
    """Post the sign-in form; ``fields`` are more form fields (remember_email="on")."""
    data = {"username": email, "password": password, **fields}
    return client.post(SIGN_IN, data, HTTP_USER_AGENT=user_agent)


@pytest.mark.promise("P12")
def test_sign_in_rotates_the_session_key(client):
    # given a visitor with a session already
    make_customer()
    session = client.session
    session["planted"] = "yes"
    session.save()
    before = session.session_key
    # when they sign in
    response = sign_in(client)
    # then they are signed in under a new session key
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:overview")
    assert client.session.session_key != before
    assert client.session["_auth_user_id"]


@pytest.mark.promise("P12")
def test_the_e_mail_is_matched_whatever_its_case(client):
    make_customer()
    assert sign_in(client, email="  Ada@Example.COM ").status_code == 302


@pytest.mark.promise("P12")
@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("ada@example.com", "wrong password here"),
        ("nobody@example.com", PASSWORD),
        ("unconfirmed@example.com", PASSWORD),
    ],
)
def test_every_failure_gets_the_same_generic_error(client, email, password):
    make_customer()
    make_customer(email="unconfirmed@example.com", is_active=False)
    response = sign_in(client, email=email, password=password)
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.promise("P12")
def test_five_wrong_passwords_from_five_ips_lock_the_account(db):
    # given five failures against one account, each from a different address
    make_customer()
    for n in range(5):
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), password=f"wrong guess {n}")
    # when the right password comes from yet another address
    client = Client(REMOTE_ADDR="198.51.100.50")
    response = sign_in(client)
    # then it is refused, with a clear message
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many sign-in attempts" in html
    assert "try again in 15 minutes" in html
    assert reverse("accounts:password_reset") in html
    assert "_auth_user_id" not in client.session


@pytest.mark.promise("P12")
def test_five_accounts_tried_from_one_ip_lock_that_ip(db):
    # given five different e-mails tried from one address
    make_customer()
    client = Client(REMOTE_ADDR="203.0.113.77")
    responses = [sign_in(client, email=f"guess{n}@example.com") for n in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    # when a real customer signs in from that address
    response = sign_in(client)
    # then it is refused; from elsewhere it works
    assert response.status_code == 429
    assert sign_in(Client(REMOTE_ADDR="198.51.100.9")).status_code == 302


@pytest.mark.promise("P12")
def test_a_success_resets_the_count(db):
    make_customer()
    client = Client(REMOTE_ADDR="203.0.113.5")
    for n in range(4):
        sign_in(client, password=f"wrong {n}")
    assert sign_in(client).status_code == 302
    client.logout()
    for n in range(4):
        assert sign_in(client, password=f"again wrong {n}").status_code == 200


@pytest.mark.promise("P12")
def test_axes_keeps_no_e_mail_or_password_in_clear(db):
    make_customer()
    for n in range(6):
        sign_in(Client(REMOTE_ADDR="203.0.113.8"), email="ada@example.com", password=f"bad {n}")
    sign_in(Client(), email="Someone.Else@Example.com", password="bad guess")
    assert AccessAttempt.objects.exists()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        for row in model.objects.values():
            text = " ".join(str(v) for v in row.values()).lower()
            assert "ada@example.com" not in text
            assert "someone.else" not in text
            assert "bad " not in text
    assert all(a.username.startswith("h:") for a in AccessAttempt.objects.all())


def test_next_is_honoured_only_on_this_site(client):
    make_customer()
    response = sign_in(client, next="/account/orders/")
    assert response["Location"] == "/account/orders/"
    client.logout()
    response = sign_in(client, next="https://evil.example/")
    assert response["Location"] == reverse("accounts:overview")


def test_the_sign_in_page_carries_a_safe_next(client):
    page = client.get(SIGN_IN + "?next=/account/orders/").content.decode()
    assert 'name="next" value="/account/orders/"' in page
    page = client.get(SIGN_IN + "?next=//evil.example/").content.decode()
    assert "evil.example" not in page


def test_bad_input_errors_beside_the_field(client):
    response = client.post(SIGN_IN, {"username": "a" * 300 + "@x.org", "password": "x"})
    assert response.status_code == 200
    assert 'id="id_username-error"' in response.content.decode()
    response = client.post(SIGN_IN, {"username": "<script>alert(1)</script>", "password": "x"})
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_missing_csrf_token_is_refused(db):
    make_customer()
    response = sign_in(Client(enforce_csrf_checks=True))
    assert response.status_code == 403


def test_sign_out_needs_a_post(client):
    client.force_login(make_customer())
    page = client.get("/account/sign-out/")
    assert page.status_code == 200
    assert "_auth_user_id" in client.session
    assert 'action="/account/sign-out/"' in page.content.decode()
    response = client.post("/account/sign-out/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_sign_out_leaves_the_bag_with_the_account_and_this_browser_a_new_guest(client):
    from django.conf import settings

    client.force_login(make_customer())
    client.cookies[settings.VIVRE["CART_COOKIE"]] = "0b6f4c5e-1d7a-4f57-9a53-7d3f0e8e0f11"

    response = client.post("/account/sign-out/")

    cookie = response.cookies[settings.VIVRE["CART_COOKIE"]]
    assert cookie.value == "" and cookie["max-age"] == 0


# --- the admin, for staff -------------------------------------------------------------


def test_staff_sign_in_asks_for_an_e_mail_address(client):
    page = client.get("/admin/login/").content.decode()
    assert "E-mail address" in page


def test_staff_can_find_accounts_by_e_mail_without_seeing_a_hash(client):
    staff = make_customer(email="boss@vivre.example", is_staff=True, is_superuser=True)
    customer = make_customer(email="margot@example.org")
    client.force_login(staff)
    listing = client.get("/admin/accounts/user/?q=margot").content.decode()
    assert "margot@example.org" in listing
    assert "boss@vivre.example" not in listing.split("result_list", 1)[1]
    change = client.get(f"/admin/accounts/user/{customer.pk}/change/").content.decode()
    assert customer.password not in change
    assert customer.password.split("$")[-1] not in change


def test_staff_can_add_an_account_by_e_mail(client):
    staff = make_customer(email="boss@vivre.example", is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New.Person@Example.org",
            "usable_password": "true",
            "password1": "brisk harbour morning 3",
            "password2": "brisk harbour morning 3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(email="new.person@example.org").check_password(
        "brisk harbour morning 3"
    )


@pytest.mark.promise("P11")
def test_retention_forgets_old_sign_in_failures_and_their_ip_addresses():
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    from vivre.accounts.throttling import forget_old_sign_in_failures

    def attempt(ip):
        return AccessAttempt.objects.create(
            username="h:x", ip_address=ip, user_agent="ua", http_accept="*/*",
            path_info="/account/sign-in/", get_data="", post_data="", failures_since_start=1,
        )  # fmt: skip

    old, recent = attempt("203.0.113.7"), attempt("203.0.113.8")
    AccessAttempt.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - timedelta(days=2))

    assert forget_old_sign_in_failures() == 1
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
