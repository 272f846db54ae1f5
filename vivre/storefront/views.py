"""Home page, customer service pages and error pages."""

from django.shortcuts import render


def home(request):
    return render(request, "storefront/home.html", {})


def page_not_found(request, exception=None):
    return render(
        request, "storefront/error.html", {"title": "Page not found", "status": 404}, status=404
    )


def server_error(request):
    return render(
        request,
        "storefront/error.html",
        {"title": "Something went wrong", "status": 500},
        status=500,
    )


def bad_request(request, exception=None):
    return render(
        request, "storefront/error.html", {"title": "Bad request", "status": 400}, status=400
    )


def permission_denied(request, exception=None):
    return render(
        request, "storefront/error.html", {"title": "Not allowed", "status": 403}, status=403
    )
