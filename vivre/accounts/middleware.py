"""Remembered devices (P21): sign a returning customer in from their device cookie."""

from __future__ import annotations

from django.contrib.auth import login

from . import devices

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class RememberedDeviceMiddleware:
    """Sign in an anonymous request that carries a valid keep-signed-in device cookie.

    Runs after ``AuthenticationMiddleware``. Each sign-in rotates the validator and
    sets the new cookie on the response; a copied or worthless cookie is deleted
    (see ``devices.check_device``). Devices that only remember the e-mail are left
    for the sign-in page to read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        new_value = ""
        device = None
        discard = False
        if devices.COOKIE_NAME in request.COOKIES and not request.user.is_authenticated:
            check = devices.check_device(request)
            discard = check.discard
            if check.device is not None and check.device.keep_signed_in:
                new_value = devices.use_device(check.device)
                if new_value:
                    device = check.device
                    # login() rotates the session key and sends user_logged_in (the
                    # bag follows the customer, see vivre.cart.signals).
                    login(request, device.user, backend=MODEL_BACKEND)
        response = self.get_response(request)
        if device is not None and not _cookie_already_set(response):
            devices.set_device_cookie(response, new_value, device)
        elif discard and not _cookie_already_set(response):
            devices.delete_device_cookie(response)
        return response


def _cookie_already_set(response) -> bool:
    # A view that set or deleted the cookie itself (sign-out everywhere, a new
    # sign-in) has the last word.
    return devices.COOKIE_NAME in response.cookies
