"""URLs under /account/: sign-in and registration, My Account, and privacy rights."""

from . import access_views, account_views, auth_views, privacy_views

app_name = "accounts"
urlpatterns = [
    *auth_views.urlpatterns,
    *account_views.urlpatterns,
    *privacy_views.urlpatterns,
    *access_views.urlpatterns,
]
