from django.urls import path

from arbitration import views

app_name = "arbitration"
urlpatterns = [
    path("", views.case_list, name="list"),
]
