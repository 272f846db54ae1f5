"""The fulfilment back office; included at ``staff/fulfilment/``."""

from django.urls import path

from . import views

app_name = "fulfilment"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("orders/<str:number>/", views.order_detail, name="order"),
    path("orders/<str:number>/pick-list/", views.pick_list, name="pick_list"),
    path("orders/<str:number>/packing-slip/", views.packing_slip, name="packing_slip"),
    path("orders/<str:number>/ship/", views.ship, name="ship"),
    path("shipments/<uuid:shipment_id>/tracking/", views.add_tracking, name="add_tracking"),
]
