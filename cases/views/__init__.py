"""Server-rendered pages of the cases app: ``pages`` (staff and grid workers), ``citizen`` (public report and
follow-up link). Views are thin: forms shape the input, ``cases.services`` does every write, and
``cases.selectors.case_queryset_for`` / ``case_get_for`` gate every read (outside scope → 404)."""
