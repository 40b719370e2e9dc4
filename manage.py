#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    # A checkout with nothing configured is a development machine: commands such as
    # makemigrations just work there. Production sets SECRET_KEY, so DEBUG stays off.
    if not os.environ.get("SECRET_KEY") and not os.environ.get("DEBUG"):
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
