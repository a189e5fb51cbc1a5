from django.contrib.auth import views as auth_views
from django.urls import path

from agencies import auth_views as views

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/", views.otp_verify, name="otp-verify"),
    path("otp/daftar/", views.otp_enrol, name="otp-enrol"),
    path("profil/", views.profile, name="profile"),
    path("profil/token/", views.token_create, name="token-create"),
    path("profil/token/<str:token_key>/cabut/", views.token_revoke, name="token-revoke"),
]
