"""The marketing back office under /staff/marketing/ (Marketing role)."""

from . import campaign_views, catalogue_staff_views, contest_staff_views, promotion_staff_views

app_name = "marketing_staff"
urlpatterns = [
    *campaign_views.urlpatterns,
    *catalogue_staff_views.urlpatterns,
    *contest_staff_views.urlpatterns,
    *promotion_staff_views.urlpatterns,
]
