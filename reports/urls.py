from django.urls import path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("questionnaires/<str:code>/", views.questionnaire_detail, name="questionnaire-detail"),
]
