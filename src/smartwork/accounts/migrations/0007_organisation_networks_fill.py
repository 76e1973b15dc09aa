"""Every organisation belongs to the networks it works with: a customer company to the
network it buys from, a centre operator to the networks of its centres (and to the
network that registered it), a network operator to the networks it runs."""

from django.db import migrations


def fill(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    Centre = apps.get_model("network", "Centre")
    Network = apps.get_model("network", "Network")
    Through = Organisation.networks.through
    pairs = set()
    for org_id, network_id in Organisation.objects.exclude(network=None).values_list(
            "pk", "network_id"):
        pairs.add((org_id, network_id))
    for org_id, network_id in Centre.objects.values_list("operator_id", "network_id"):
        pairs.add((org_id, network_id))
    for network_id, org_id in Network.objects.values_list("pk", "operator_id"):
        pairs.add((org_id, network_id))
    existing = set(Through.objects.values_list("organisation_id", "network_id"))
    Through.objects.bulk_create(
        [Through(organisation_id=o, network_id=n) for o, n in sorted(pairs - existing)])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0006_organisation_networks"),
        ("network", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
