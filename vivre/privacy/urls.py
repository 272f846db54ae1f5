"""Privacy pages: cookie choices, the policy's versions, and the staff registers."""

from . import cookie_views, legal_views, policy_views

app_name = "privacy"
urlpatterns = [
    *cookie_views.urlpatterns,
    *policy_views.urlpatterns,
    *legal_views.urlpatterns,
]
