from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from learnplat.events import views

endpoint_list = views.WebhookEndpointViewSet.as_view({"get": "list", "post": "create"})
endpoint_detail = views.WebhookEndpointViewSet.as_view(
    {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
)
endpoint_rotate = views.WebhookEndpointViewSet.as_view({"post": "rotate_secret"})
delivery_list = views.WebhookDeliveryViewSet.as_view({"get": "list"})
delivery_replay = views.WebhookDeliveryViewSet.as_view({"post": "replay"})

urlpatterns: list[URLPattern | URLResolver] = [
    path("webhooks/endpoints/", endpoint_list, name="webhook-endpoint-list"),
    path("webhooks/endpoints/<int:pk>/", endpoint_detail, name="webhook-endpoint-detail"),
    path(
        "webhooks/endpoints/<int:pk>/rotate-secret/",
        endpoint_rotate,
        name="webhook-endpoint-rotate-secret",
    ),
    path("webhooks/deliveries/", delivery_list, name="webhook-delivery-list"),
    path("webhooks/deliveries/<int:pk>/replay/", delivery_replay, name="webhook-delivery-replay"),
]
