from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "smartwork.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from smartwork.accounts.scopes import load_roles, organisation_scope
        from smartwork.core.permissions import register_role_loader, register_scope

        register_role_loader(load_roles)
        register_scope("accounts.organisation", organisation_scope)

        from smartwork.accounts.models import ApiToken, User
        from smartwork.accounts.services import api_token_cache_forget

        def forget_user(sender: Any, instance: Any, **kwargs: Any) -> None:
            # A deactivated user, a changed company: this process forgets them at once.
            api_token_cache_forget(user_id=instance.pk)

        def forget_token(sender: Any, instance: Any, **kwargs: Any) -> None:
            api_token_cache_forget(user_id=instance.user_id)

        post_save.connect(forget_user, sender=User, weak=False,
                          dispatch_uid="accounts.token_cache.user")
        post_delete.connect(forget_user, sender=User, weak=False,
                            dispatch_uid="accounts.token_cache.user_deleted")
        post_save.connect(forget_token, sender=ApiToken, weak=False,
                          dispatch_uid="accounts.token_cache.token")
        post_delete.connect(forget_token, sender=ApiToken, weak=False,
                            dispatch_uid="accounts.token_cache.token_deleted")
