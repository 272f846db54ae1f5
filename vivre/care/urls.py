from django.urls import path

from . import phone_views, views

app_name = "care"

urlpatterns = [
    path("", views.search, name="search"),
    path("orders/<str:number>/", views.order_detail, name="order"),
    path("orders/<str:number>/issues/", views.open_issue, name="open_issue"),
    path("orders/<str:number>/refunds/", views.refund_order, name="refund"),
    path(
        "orders/<str:number>/issues/<uuid:issue_id>/resolve/",
        views.resolve_issue,
        name="resolve_issue",
    ),
    path(
        "orders/<str:number>/issues/<uuid:issue_id>/reveal-phone/",
        views.reveal_phone,
        name="reveal_phone",
    ),
    *phone_views.urlpatterns,
]
