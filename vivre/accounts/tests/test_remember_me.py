"""Remember me (P21): a signed, revocable device token that is never the password."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.test import Client
from django.utils import timezone

from vivre.accounts import devices
from vivre.accounts.models import RememberedDevice
from vivre.accounts.tests.test_registration import PASSWORD, make_customer
from vivre.accounts.tests.test_sign_in import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P21")]

CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


def device_cookie(client_or_response) -> str:
    return client_or_response.cookies[devices.COOKIE_NAME].value


def fresh_client_with(cookie_value: str, **extra) -> Client:
    """A new browser session that carries only the device cookie."""
    client = Client(**extra)
    client.cookies[devices.COOKIE_NAME] = cookie_value
    return client


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_keep_signed_in_restores_a_session_in_a_fresh_browser(client):
    # given a customer who signed in with "keep me signed in"
    user = make_customer()
    response = sign_in(client, keep_signed_in="on", user_agent=CHROME_LINUX)
    cookie = response.cookies[devices.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) > 89 * 86400
    device = RememberedDevice.objects.get(user=user)
    assert device.keep_signed_in and device.label == "Chrome on Linux"
    # when a fresh browser session comes back with only the device cookie
    browser = fresh_client_with(cookie.value)
    page = browser.get("/account/security/")
    # then it is signed in, and the validator was rotated
    assert page.status_code == 200
    assert int(browser.session["_auth_user_id"]) == user.pk
    assert device_cookie(page) != cookie.value
    device.refresh_from_db()
    assert device.last_used_at > device.created_at


def test_the_device_cookie_follows_the_session_cookie_flags(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    make_customer()
    cookie = sign_in(client, remember_email="on").cookies[devices.COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_the_cookie_holds_neither_the_password_nor_the_e_mail(client):
    make_customer()
    response = sign_in(client, keep_signed_in="on")
    value = unquote(device_cookie(response))
    assert PASSWORD not in value
    assert "ada" not in value.lower() and "example.com" not in value.lower()
    # and the table keeps only a hash of the validator
    selector, validator = value.split(":", 1)[0], value.split(":", 2)[1]
    device = RememberedDevice.objects.get(selector=selector)
    assert validator not in device.validator_hash


def test_remember_e_mail_pre_fills_and_does_not_sign_in(client):
    # given a customer who asked only to remember their e-mail
    make_customer()
    response = sign_in(client, remember_email="on")
    assert not RememberedDevice.objects.get().keep_signed_in
    # when a fresh browser session visits
    browser = fresh_client_with(device_cookie(response))
    account = browser.get("/account/")
    page = browser.get("/account/sign-in/").content.decode()
    # then it is not signed in, but the e-mail is filled in
    assert account.status_code == 302
    assert not is_signed_in(browser)
    assert 'value="ada@example.com"' in page
    assert re.search(r'<input[^>]*name="remember_email"[^>]*checked', page)
    assert not re.search(r'<input[^>]*name="keep_signed_in"[^>]*checked', page)


def test_keep_signed_in_implies_remembering_the_e_mail(client):
    make_customer()
    sign_in(client, keep_signed_in="on")
    device = RememberedDevice.objects.get()
    assert device.keep_signed_in


def test_unticking_remember_forgets_this_device(client):
    make_customer()
    sign_in(client, remember_email="on")
    client.post("/account/sign-out/")
    response = sign_in(client)
    assert not RememberedDevice.objects.exists()
    assert device_cookie(response) == ""


def test_a_replayed_old_validator_revokes_the_device(client):
    # given a device whose cookie was used (and so rotated) a while ago
    make_customer()
    stolen = device_cookie(sign_in(client, keep_signed_in="on"))
    fresh_client_with(stolen).get("/account/")
    RememberedDevice.objects.update(last_used_at=timezone.now() - timedelta(minutes=5))
    # when the old cookie value comes back
    thief = fresh_client_with(stolen)
    response = thief.get("/account/")
    # then nobody is signed in, the device is gone and the cookie deleted
    assert not is_signed_in(thief)
    assert not RememberedDevice.objects.exists()
    assert device_cookie(response) == ""


def test_a_stale_validator_just_after_a_rotation_is_a_race_not_a_theft(client):
    make_customer()
    cookie = device_cookie(sign_in(client, keep_signed_in="on"))
    fresh_client_with(cookie).get("/account/")
    second_tab = fresh_client_with(cookie)
    second_tab.get("/account/")
    assert not is_signed_in(second_tab)
    assert RememberedDevice.objects.exists()


def test_a_tampered_or_unknown_cookie_is_deleted(client):
    make_customer()
    cookie = device_cookie(sign_in(client, keep_signed_in="on"))
    for value in (cookie[:-2] + "xx", "nonsense", cookie.replace(cookie[:5], "zzzzz")):
        browser = fresh_client_with(value)
        response = browser.get("/")
        assert not is_signed_in(browser)
        assert device_cookie(response) == ""


@pytest.mark.parametrize("why", ["expired", "inactive"])
def test_expired_devices_and_inactive_accounts_never_sign_in(client, why):
    user = make_customer()
    cookie = device_cookie(sign_in(client, keep_signed_in="on"))
    if why == "expired":
        RememberedDevice.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        user.is_active = False
        user.save()
    browser = fresh_client_with(cookie)
    browser.get("/account/")
    assert not is_signed_in(browser)
    assert not RememberedDevice.objects.exists()


def test_signing_out_downgrades_the_device_to_e_mail_only(client):
    # given a device that keeps the customer signed in
    make_customer()
    response = sign_in(client, keep_signed_in="on")
    # when they sign out on it
    client.post("/account/sign-out/")
    # then the next visit is not signed in, yet the e-mail is still remembered
    assert not RememberedDevice.objects.get().keep_signed_in
    client.get("/account/")
    assert not is_signed_in(client)
    assert "ada@example.com" in client.get("/account/sign-in/").content.decode()
    assert response.status_code == 302


def test_security_page_lists_devices_and_marks_this_one(client):
    user = make_customer()
    sign_in(Client(), keep_signed_in="on", user_agent="Mozilla/5.0 (iPhone) Safari/604.1")
    sign_in(client, remember_email="on", user_agent=CHROME_LINUX)
    page = client.get("/account/security/").content.decode()
    assert "Chrome on Linux" in page and "Safari on iPhone" in page
    assert page.count("This device") == 1
    assert "Keeps you signed in" in page and "Remembers your e-mail" in page
    assert page.count("Forget this device") == 2
    assert RememberedDevice.objects.filter(user=user).count() == 2


def test_forget_this_device_revokes_it(client):
    # given a phone kept signed in and this browser
    make_customer()
    phone_cookie = device_cookie(sign_in(Client(), keep_signed_in="on"))
    phone = RememberedDevice.objects.get()
    sign_in(client)
    # when the customer forgets the phone
    response = client.post(f"/account/security/devices/{phone.pk}/forget/")
    # then the phone's cookie signs nobody in
    assert response.status_code == 302
    assert not RememberedDevice.objects.exists()
    stranger = fresh_client_with(phone_cookie)
    stranger.get("/account/")
    assert not is_signed_in(stranger)


def test_another_customers_device_is_a_404(client):
    make_customer(email="other@example.com")
    sign_in(Client(), email="other@example.com", keep_signed_in="on")
    theirs = RememberedDevice.objects.get()
    client.force_login(make_customer())
    assert client.post(f"/account/security/devices/{theirs.pk}/forget/").status_code == 404
    assert client.get(f"/account/security/devices/{theirs.pk}/forget/").status_code == 405
    assert RememberedDevice.objects.filter(pk=theirs.pk).exists()


def test_sign_out_everywhere_ends_every_session_and_device(client):
    # given the customer signed in on a laptop, and a phone kept signed in
    user = make_customer()
    laptop = Client()
    sign_in(laptop)
    phone_cookie = device_cookie(sign_in(Client(), keep_signed_in="on"))
    sign_in(client)
    assert laptop.get("/account/security/").status_code == 200
    # when they sign out everywhere from here
    response = client.post("/account/security/sign-out-everywhere/", follow=True)
    # then this session, the laptop's, and the phone's token are all gone
    assert "signed out everywhere" in response.content.decode()
    assert not is_signed_in(client)
    assert laptop.get("/account/security/").status_code == 302
    assert not is_signed_in(laptop)
    phone = fresh_client_with(phone_cookie)
    phone.get("/account/")
    assert not is_signed_in(phone)
    assert not RememberedDevice.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert user.session_generation == 1


def test_device_labels_are_coarse():
    assert devices.device_label(CHROME_LINUX) == "Chrome on Linux"
    firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
    assert devices.device_label(firefox) == "Firefox on Windows"
    edge = CHROME_LINUX.replace("Linux x86_64", "Windows NT 10.0") + " Edg/126.0"
    assert devices.device_label(edge) == "Edge on Windows"
    assert devices.device_label("") == "A browser"


@pytest.mark.promise("P21")
def test_retention_forgets_devices_past_their_lifetime():
    customer = make_customer()
    old, _ = devices.remember_device(user=customer, keep_signed_in=True, current=None)
    fresh, _ = devices.remember_device(user=customer, keep_signed_in=False, current=None)
    RememberedDevice.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))

    assert devices.forget_expired_devices() == 1
    assert list(RememberedDevice.objects.values_list("pk", flat=True)) == [fresh.pk]
