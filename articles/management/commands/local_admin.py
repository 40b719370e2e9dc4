import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create a superuser for local development (DEBUG only) and print how to sign in. "
        "Username and password come from ADMIN_USERNAME and ADMIN_PASSWORD (default admin/admin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, url, **options):
        if not settings.DEBUG:
            raise CommandError(
                "local_admin runs only with DEBUG=1; in production use `manage.py createsuperuser`."
            )
        username = os.environ.get("ADMIN_USERNAME", "admin")
        password = os.environ.get("ADMIN_PASSWORD", "admin")
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        if user.check_password(password):
            sign_in = f"username “{username}”, password “{password}”"
        else:
            sign_in = f"username “{username}” and the password you set for it"
        self.stdout.write(self.style.SUCCESS(f"Sign in to the admin at {url} with {sign_in}."))
