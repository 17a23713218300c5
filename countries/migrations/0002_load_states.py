"""Load the 195 States, the UN regional groups and the report regions from countries/data/."""

from django.db import migrations


def load(apps, schema_editor):
    from countries.reference_data import load_groupings, load_states

    group_model = apps.get_model("countries", "RegionalGroup")
    region_model = apps.get_model("countries", "ReportRegion")
    country_model = apps.get_model("countries", "Country")
    load_groupings(group_model, region_model)
    load_states(country_model, group_model, region_model)


def unload(apps, schema_editor):
    apps.get_model("countries", "Country").objects.all().delete()
    apps.get_model("countries", "RegionalGroup").objects.all().delete()
    apps.get_model("countries", "ReportRegion").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("countries", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
