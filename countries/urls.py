from django.urls import path

from countries import views

urlpatterns = [
    path("countries/<int:country_id>/team/", views.team, name="country-team"),
]
