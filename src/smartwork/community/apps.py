from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "smartwork.community"
    label = "community"

    def ready(self) -> None:
        from smartwork.bookings.feed_sources import register_feed_source
        from smartwork.community.calendar import EventFeedSource
        from smartwork.core.permissions import register_scope, scope

        # Where an event belongs (its centre and the centre's network).
        register_scope("community.event", lambda e: scope(
            networks=[e.centre.network_id], centres=[e.centre_id]))
        # The member's private calendar feed lists the events they registered for; the
        # bookings app declares the interface and knows nothing of community.
        register_feed_source(EventFeedSource())
