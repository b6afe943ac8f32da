"""``makemessages`` that also collects the project's other marks: texts the services keep
(``core.stored_text.kept("…")``) and templates marked for later (``N_`` = ``gettext_noop``). Without them such a
message would leave the catalogue (``--no-obsolete``) with its English."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=kept", "--keyword=N_"]
