from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    FR = "fr", _("French")
    NL = "nl", _("Dutch")
    EN = "en", _("English")
    DE = "de", _("German")


class OrganisationKind(models.TextChoices):
    NETWORK_OPERATOR = "network_operator", _("Network operator")
    CENTRE_OPERATOR = "centre_operator", _("Centre operator")
    COMPANY = "company", _("Customer company")


class Sector(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class CompanySize(models.TextChoices):
    LARGE_ACCOUNT = "large_account", _("Large account")
    SME = "sme", _("SME")


class Role(models.TextChoices):
    OPERATOR = "operator", _("Network operator staff")
    CENTRE_MANAGER = "centre_manager", _("Centre manager")
    RECEPTIONIST = "receptionist", _("Receptionist")
    COMPANY_ADMIN = "company_admin", _("Company admin")


class CommuteMode(models.TextChoices):
    CAR = "car", _("Car")
    ELECTRIC_CAR = "electric_car", _("Electric car")
    BUS = "bus", _("Bus")
    TRAIN = "train", _("Train")
    TRAM = "tram", _("Tram")
    METRO = "metro", _("Metro")
    EBIKE = "ebike", _("E-bike")
    BIKE = "bike", _("Bike")
    WALK = "walk", _("Walking")


PEPPOL_SCHEME_BE_ENTERPRISE = "0208"


class PayoutChangeState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
