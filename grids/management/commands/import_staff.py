"""manage.py import_staff <csv>: 1+1+N seats (columns grid_code,username,full_name,phone,role,source[,started_on])."""

from governance.management.importing import ImportCommand
from grids.importers import staff_import


class Command(ImportCommand):
    help = (
        "Import grid staffing from CSV (grid_code,username,full_name,phone,role,source[,started_on]); creates missing "
        "users with an unusable password and seats them through staff_assign; all-or-nothing, idempotent."
    )
    file_help = "CSV file, UTF-8, header grid_code,username,full_name,phone,role,source[,started_on]"
    run = staticmethod(staff_import)
