"""Length limits shared by a form and its API serializer, so both refuse the same input (a case's description and
notes use the same 4000 characters in ``cases.forms``)."""

#: A description, a note, a report, an agreement: long free text.
LONG_TEXT = 4000
