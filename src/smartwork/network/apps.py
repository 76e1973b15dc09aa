from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "smartwork.network"
    label = "network"

    def ready(self) -> None:
        from smartwork.core.permissions import register_scope, scope

        # How core.permissions reads where the network's objects belong.
        register_scope("network.network", lambda n: scope(networks=[n.pk]))
        register_scope("network.centre",
                       lambda c: scope(networks=[c.network_id], centres=[c.pk]))
