"""The customer service section: its index and its pages (P24, P25)."""

from django.shortcuts import get_object_or_404, render

from .markdown import render_page
from .models import Page
from .service import group_pages

# Long documents (the policies, the terms) open with a table of contents of their sections.
TOC_MIN_SECTIONS = 8


def service_index(request):
    """List every service page with its summary, in groups."""
    pages = list(Page.objects.only("slug", "title", "summary", "position"))
    return render(request, "storefront/service_index.html", {"groups": group_pages(pages)})


def service_page(request, slug):
    """Show one service page beside the navigation of them all."""
    page = get_object_or_404(Page, slug=slug)
    body, headings = render_page(page)
    sections = [entry for entry in headings if entry.level == 2]
    return render(
        request,
        "storefront/service_page.html",
        {
            "page": page,
            "body": body,
            "toc": sections if len(sections) >= TOC_MIN_SECTIONS else [],
            "nav_pages": Page.objects.only("slug", "title", "position"),
        },
    )
