from django.urls import path

from smartwork.twofactor import views

app_name = "twofactor"

urlpatterns = [
    # Between the password and the login (flow.py)
    path("login/verify/", views.verify, name="verify"),
    path("login/verify/passkey/options/", views.verify_passkey_options,
         name="verify_passkey_options"),
    path("login/verify/passkey/", views.verify_passkey, name="verify_passkey"),
    path("login/enrol/", views.enrol, name="enrol"),
    path("login/enrol/later/", views.enrol_later, name="enrol_later"),
    # The profile's security settings
    path("profile/security/", views.security, name="security"),
    path("profile/security/totp/start/", views.totp_start, name="totp_start"),
    path("profile/security/totp/", views.totp_setup, name="totp_setup"),
    path("profile/security/totp/remove/", views.totp_remove, name="totp_remove"),
    path("profile/security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("profile/security/codes/", views.new_codes, name="new_codes"),
    path("profile/security/passkeys/options/", views.passkey_options, name="passkey_options"),
    path("profile/security/passkeys/", views.passkey_add, name="passkey_add"),
    path("profile/security/passkeys/<int:passkey_id>/remove/", views.passkey_remove,
         name="passkey_remove"),
    # Policies
    path("network/<int:network_id>/two-factor/", views.network_policy, name="network_policy"),
    path("company/<int:company_id>/two-factor/", views.company_policy, name="company_policy"),
]
