from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.message_list, name="outbox"),
    path("<uuid:pk>/", views.message_detail, name="message"),
    path("<uuid:pk>/html/", views.message_html, name="message_html"),
]
