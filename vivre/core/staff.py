"""Staff roles: Django groups that open the back-office screens."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


class Role:
    """The back-office roles; each is a Django group of the same name."""

    FULFILMENT = "Fulfilment"
    CARE = "Customer care"
    MERCHANDISING = "Merchandising"
    MARKETING = "Marketing"
    PRIVACY = "Privacy officer"

    ALL = (FULFILMENT, CARE, MERCHANDISING, MARKETING, PRIVACY)


def has_role(user, role: str) -> bool:
    """Return True if the user is active staff in ``role`` (superusers hold every role)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=role).exists()


def role_required(role: str):
    """Let only staff in ``role`` through; send others to sign in, or refuse them."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url="/admin/login/")
            if not has_role(request.user, role):
                raise PermissionDenied(f"This page is for {role} staff.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
