from django.urls import path

from plans import views

# Included under kasus/<int:pk>/rencana/ (config/urls.py): the service plan of one case.
app_name = "plans"
urlpatterns = [
    path("", views.plan_page, name="plan"),
]
