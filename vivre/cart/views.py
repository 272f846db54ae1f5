from django.http import HttpResponse


def cart_detail(request):
    return HttpResponse("todo")
