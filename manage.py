#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    if not os.environ["DJANGO_SETTINGS_MODULE"].endswith(".production"):
        # A developer's command: the embedded servers unless DATABASE_URL / REDIS_URL are set
        # (production's settings start nothing and refuse to run without them).
        from devtools.embedded import export_urls

        export_urls()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
