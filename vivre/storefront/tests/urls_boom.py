"""A URL map with a view that fails, to see the designed error page."""

from django.urls import path

from vivre.urls import handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("card 4242 4242 4242 4242 exploded")


urlpatterns = [*urlpatterns, path("boom/", boom)]
