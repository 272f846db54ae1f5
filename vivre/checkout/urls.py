from django.urls import path

from . import views

app_name = "checkout"
urlpatterns = [
    path("", views.details, name="details"),
    path("review/", views.review, name="review"),
    path("confirmation/<str:number>/", views.confirmation, name="confirmation"),
]
