"""Registering, confirming, signing in and out, remembered devices and passwords.

Thin views: the rules live in ``registration.py`` (accounts and links) and
``devices.py`` (remember me); throttling of sign-in is django-axes (``throttling.py``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from vivre.core.http import client_ip, site_url
from vivre.core.throttle import is_throttled, record_failure
from vivre.orders.selectors import get_order_by_number

from . import devices, registration
from .auth_forms import (
    AccountFromOrderForm,
    RegistrationForms,
    ResendConfirmationForm,
    SignInForm,
    VivrePasswordChangeForm,
    VivrePasswordResetForm,
    VivreSetPasswordForm,
)
from .models import RememberedDevice
from .throttling import reset_sign_in_failures

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# Registration and reset mails one IP address may cause in an hour.
MAIL_LIMIT = 10
MAIL_WINDOW = timedelta(hours=1)
MAIL_THROTTLED = (
    "We have sent a lot of e-mail for this connection in the last hour. "
    "Please try again later, or call us and we will help."
)


def base_url(request) -> str:
    """Return ``scheme://host`` for links in e-mails."""
    return site_url(request)


def _mail_throttled(request, scope: str) -> bool:
    return is_throttled(
        scope=scope, values=[client_ip(request) or ""], limit=MAIL_LIMIT, window=MAIL_WINDOW
    )


def _count_mail(request, scope: str) -> None:
    record_failure(scope=scope, values=[client_ip(request) or ""])


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


# --- registration ----------------------------------------------------------------


@sensitive_post_parameters("password1", "password2")
def register(request):
    """The registration form (P4, P22); the same answer whatever the e-mail (OWASP)."""
    if request.user.is_authenticated:
        return redirect("accounts:overview")
    status = 200
    if request.method == "POST":
        forms = RegistrationForms(request.POST)
        if forms.is_valid():
            if _mail_throttled(request, "register"):
                forms.account.add_error(None, MAIL_THROTTLED)
                status = 429
            else:
                registration.register(data=forms.registration(), base_url=base_url(request))
                _count_mail(request, "register")
                return redirect("accounts:register_sent")
    else:
        forms = RegistrationForms()
    return render(request, "accounts/auth/register.html", {"forms": forms}, status=status)


def register_sent(request):
    return render(request, "accounts/auth/register_sent.html")


def confirm(request, uidb64, token):
    """Confirm an e-mail address: a button first (mail scanners follow links), then POST."""
    if request.method == "POST":
        user = registration.confirm_account(uidb64=uidb64, token=token)
        if user is not None:
            login(request, user, backend=MODEL_BACKEND)
            name = user.get_short_name()
            messages.success(
                request,
                f"Welcome to Vivre{', ' + name if name else ''}. Your e-mail address is "
                "confirmed and you are signed in.",
            )
            return redirect("accounts:overview")
        user = None
    else:
        user = registration.check_confirmation(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/auth/confirm_invalid.html", status=400)
    return render(request, "accounts/auth/confirm.html", {"uidb64": uidb64, "token": token})


def confirm_again(request):
    """Send a fresh confirmation link; the same answer for any address."""
    status = 200
    if request.method == "POST":
        form = ResendConfirmationForm(request.POST)
        if form.is_valid():
            if _mail_throttled(request, "register"):
                form.add_error(None, MAIL_THROTTLED)
                status = 429
            else:
                registration.resend_confirmation(
                    email=form.cleaned_data["email"], base_url=base_url(request)
                )
                _count_mail(request, "register")
                return redirect("accounts:register_sent")
    else:
        form = ResendConfirmationForm()
    return render(request, "accounts/auth/confirm_again.html", {"form": form}, status=status)


def _placed_order(request, number):
    """Return the order if this browser placed it, else 404 (nobody claims others' orders)."""
    from vivre.checkout.views import PLACED_ORDERS_KEY

    order = get_order_by_number(number)
    if order is None or str(order.pk) not in request.session.get(PLACED_ORDERS_KEY, []):
        raise Http404("No such order in this browser.")
    return order


@sensitive_post_parameters("password1", "password2")
def register_from_order(request, number):
    """ "Save your details for next time" on the thank-you page: an account from the order."""
    order = _placed_order(request, number)
    confirmation = reverse("checkout:confirmation", kwargs={"number": order.number})
    if request.user.is_authenticated:
        return redirect(confirmation)
    status = 200
    if request.method == "POST":
        form = AccountFromOrderForm(request.POST, order=order)
        if form.is_valid():
            if _mail_throttled(request, "register"):
                form.add_error(None, MAIL_THROTTLED)
                status = 429
            else:
                registration.register_from_order(
                    order=order,
                    password=form.cleaned_data["password1"],
                    vivre_mailings=form.cleaned_data["vivre_mailings"],
                    partner_offers=form.cleaned_data["partner_offers"],
                    base_url=base_url(request),
                )
                _count_mail(request, "register")
                return redirect("accounts:register_sent")
    else:
        form = AccountFromOrderForm(order=order)
    return render(
        request,
        "accounts/auth/register_from_order.html",
        {"form": form, "order": order, "confirmation_url": confirmation},
        status=status,
    )


# --- signing in and out ----------------------------------------------------------


def _apply_remember_choice(request, response, form, current: RememberedDevice | None):
    """Remember this device as the customer chose on the sign-in form (P21)."""
    user = form.user
    if current is not None and current.user_id != user.pk:
        # Someone else signs in on this browser: the previous person's token goes.
        current.delete()
        current = None
    if form.cleaned_data["remember_email"]:
        device, value = devices.remember_device(
            user=user,
            keep_signed_in=form.cleaned_data["keep_signed_in"],
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            current=current,
        )
        devices.set_device_cookie(response, value, device)
    elif current is not None or devices.COOKIE_NAME in request.COOKIES:
        # Unticked: this device should no longer know who signs in on it.
        if current is not None:
            current.delete()
        devices.delete_device_cookie(response)


@sensitive_post_parameters("password")
def sign_in(request):
    """Sign in with e-mail and password (P12); lockouts are answered by ``throttling``."""
    target = _safe_next(request)
    if request.user.is_authenticated and request.method != "POST":
        return redirect(target or settings.LOGIN_REDIRECT_URL)
    current, remembered = devices.remembered_email(request)
    if request.method == "POST":
        form = SignInForm(request, data=request.POST)
        if form.is_valid():
            # login() gives the session a new key: a key planted before sign-in is useless.
            login(request, form.user)
            response = HttpResponseRedirect(target or reverse(settings.LOGIN_REDIRECT_URL))
            _apply_remember_choice(request, response, form, current)
            return response
    else:
        form = SignInForm(
            request,
            initial={
                "username": remembered,
                "remember_email": current is not None,
                "keep_signed_in": bool(current and current.keep_signed_in),
            },
        )
    return render(request, "accounts/auth/sign_in.html", {"form": form, "next": target})


def sign_out(request):
    """POST signs out (a GET shows the button: links must not sign anyone out)."""
    if request.method != "POST":
        return render(request, "accounts/auth/sign_out.html")
    check = devices.check_device(request)
    own = _own_device(request, check)
    if own is not None:
        # Else the middleware would sign them straight back in.
        devices.stop_keeping_signed_in(own)
    logout(request)
    messages.info(request, "You are signed out.")
    response = redirect("/")
    if check.discard:
        devices.delete_device_cookie(response)
    _forget_bag_cookie(response)
    return response


def _forget_bag_cookie(response) -> None:
    # The bag stays with the account; this browser goes on as a new guest.
    response.delete_cookie(settings.VIVRE["CART_COOKIE"], samesite="Lax")


# --- sign-in and security (My Account) --------------------------------------------


def _own_device(request, check: devices.DeviceCheck) -> RememberedDevice | None:
    """Return this browser's remembered device if it belongs to the signed-in customer."""
    device = check.device
    if device is None or not request.user.is_authenticated or device.user_id != request.user.pk:
        return None
    return device


@login_required
def security(request):
    """Password, remembered devices, and sign out everywhere (P12, P21)."""
    own = _own_device(request, devices.check_device(request))
    return render(
        request,
        "accounts/auth/security.html",
        {
            "account_section": "security",
            "devices": RememberedDevice.objects.filter(user=request.user),
            "this_device": own.pk if own else None,
        },
    )


@login_required
@require_POST
def forget_device(request, pk):
    """Forget one remembered device; another customer's device is a 404."""
    check = devices.check_device(request)
    if not devices.forget_device(user=request.user, device_id=pk):
        raise Http404("No such device.")
    messages.success(
        request, "That device is forgotten: it no longer signs you in or knows your e-mail."
    )
    response = redirect("accounts:security")
    if check.device is not None and check.device.pk == pk:
        devices.delete_device_cookie(response)
    return response


@login_required
@require_POST
def sign_out_everywhere(request):
    """Forget every device and end every session, this one included."""
    devices.sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(
        request,
        "You are signed out everywhere, on this device too, and every remembered device "
        "is forgotten. Sign in again to carry on.",
    )
    response = redirect("accounts:sign_in")
    devices.delete_device_cookie(response)
    _forget_bag_cookie(response)
    return response


# --- passwords ---------------------------------------------------------------------


@login_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def password_change(request):
    """Change the password; this session goes on, every other one ends."""
    if request.method == "POST":
        form = VivrePasswordChangeForm(request.user, request.POST)
        if form.is_valid():
            keep = _own_device(request, devices.check_device(request))
            with transaction.atomic():
                user = form.save()
                # Other browsers kept signed in would otherwise come straight back.
                devices.forget_all_devices(user=user, keep=keep)
                registration.send_password_changed(user=user, base_url=base_url(request))
            update_session_auth_hash(request, user)
            messages.success(
                request,
                "Your password is changed. Any other device you were signed in on is signed out.",
            )
            return redirect("accounts:security")
    else:
        form = VivrePasswordChangeForm(request.user)
    return render(
        request,
        "accounts/auth/password_change.html",
        {"form": form, "account_section": "security"},
    )


def password_reset(request):
    """Ask for a reset link: the same answer for any address."""
    status = 200
    if request.method == "POST":
        form = VivrePasswordResetForm(request.POST)
        if form.is_valid():
            if _mail_throttled(request, "password_reset"):
                form.add_error(None, MAIL_THROTTLED)
                status = 429
            else:
                form.save(base_url=base_url(request))
                _count_mail(request, "password_reset")
                return redirect("accounts:password_reset_sent")
    else:
        form = VivrePasswordResetForm()
    return render(request, "accounts/auth/password_reset.html", {"form": form}, status=status)


def password_reset_sent(request):
    return render(request, "accounts/auth/password_reset_sent.html")


class ResetPasswordView(PasswordResetConfirmView):
    """Choose a new password from the e-mailed link, then carry on signed in.

    Every remembered device is forgotten (whoever could sign in before cannot now),
    and the failed sign-ins counted against the account are cleared.
    """

    form_class = VivreSetPasswordForm
    template_name = "accounts/auth/password_reset_confirm.html"
    post_reset_login = True
    post_reset_login_backend = MODEL_BACKEND
    success_url = reverse_lazy("accounts:overview")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            devices.forget_all_devices(user=self.user)
            registration.send_password_changed(user=self.user, base_url=base_url(self.request))
        reset_sign_in_failures(email=self.user.email)
        messages.success(self.request, "Your new password is set and you are signed in.")
        devices.delete_device_cookie(response)
        return response


urlpatterns = [
    path("register/", register, name="register"),
    path("register/sent/", register_sent, name="register_sent"),
    path("register/from-order/<str:number>/", register_from_order, name="register_from_order"),
    path("confirm/again/", confirm_again, name="confirm_again"),
    path("confirm/<uidb64>/<token>/", confirm, name="confirm"),
    path("sign-in/", sign_in, name="sign_in"),
    path("sign-out/", sign_out, name="sign_out"),
    path("security/", security, name="security"),
    path("security/devices/<int:pk>/forget/", forget_device, name="forget_device"),
    path("security/sign-out-everywhere/", sign_out_everywhere, name="sign_out_everywhere"),
    path("password/", password_change, name="password_change"),
    path("password/reset/", password_reset, name="password_reset"),
    path("password/reset/sent/", password_reset_sent, name="password_reset_sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        ResetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
]
