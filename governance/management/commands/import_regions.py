"""manage.py import_regions <csv>: the region tree (columns code,name,level,parent_code[,case_prefix])."""

from governance.importers import regions_import
from governance.management.importing import ImportCommand


class Command(ImportCommand):
    help = "Import regions from CSV (code,name,level,parent_code[,case_prefix]); all-or-nothing, idempotent."
    file_help = "CSV file, UTF-8, header code,name,level,parent_code[,case_prefix]"
    run = staticmethod(regions_import)
