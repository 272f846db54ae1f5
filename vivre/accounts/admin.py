"""Accounts in the admin, for staff: found by e-mail, never showing a password hash raw."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .models import User, normalize_email


class VivreUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])


class VivreUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, adapted to an e-mail username and Vivre's profile fields.

    The password shows only as Django's summary (algorithm, masked salt and hash)
    with a link to set a new one.
    """

    form = VivreUserChangeForm
    add_form = VivreUserCreationForm
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "is_superuser", "groups"]
    search_fields = ["email"]
    ordering = ["email"]
    readonly_fields = ["last_login", "date_joined", "session_generation"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Customer details", {"fields": ("full_name", "day_phone", "evening_phone")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined", "session_generation")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
