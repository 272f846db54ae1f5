from django.http import HttpResponse


def department(request, department):
    return HttpResponse("todo")


category = product = search = department
