"""manage.py import_grids <geojson>: grid cells from a FeatureCollection.

Feature properties: code, name, kind, community_code, households, population.
"""

from governance.management.importing import ImportCommand
from grids.importers import grids_import


class Command(ImportCommand):
    help = (
        "Import grids from a GeoJSON FeatureCollection (properties: code, name, kind, community_code, households, "
        "population); all-or-nothing, idempotent. Errors name the feature index and its line in the file."
    )
    file_help = "GeoJSON file, UTF-8"
    run = staticmethod(grids_import)
