from django.http import HttpResponse


def service_index(request):
    return HttpResponse("todo")


service_page = service_index
