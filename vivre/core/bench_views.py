"""A bare view: the benchmark's baseline for what Django itself costs per request.

Served at ``/_bench/bare/`` only when ``VIVRE_BENCH`` is set (see ``bench/pages.py``).
"""

from django.http import HttpResponse


def bare(request):
    """Return a fixed two-byte response, touching no template, session or database."""
    return HttpResponse("ok")
