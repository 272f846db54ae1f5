from django.http import HttpResponse


def product_art(request, product_id, name):
    return HttpResponse("<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml")
