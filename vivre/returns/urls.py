from django.urls import path

from . import views

app_name = "returns"
urlpatterns = [
    path("orders/<str:number>/return/", views.request_return, name="request"),
    path("staff/returns/", views.staff_returns, name="staff"),
    path("staff/returns/<uuid:pk>/<slug:step>/", views.staff_step, name="step"),
]
