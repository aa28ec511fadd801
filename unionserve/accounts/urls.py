from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("me/", views.profile, name="profile"),
    path("2fa/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path("2fa/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("me/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/password/", views.user_reset_password, name="user_reset_password"),
    path("users/<int:pk>/2fa/reset/", views.user_reset_two_factor, name="user_reset_two_factor"),
]
