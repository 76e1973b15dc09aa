"""The demo data set (`smartwork demo`): see `smartwork.demo.load`."""

from smartwork.demo.load import DEMO_PASSWORD, WALLOON_SLUG, Login, demo_load, demo_present

__all__ = ["DEMO_PASSWORD", "WALLOON_SLUG", "Login", "demo_load", "demo_present"]
