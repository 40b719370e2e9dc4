import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from articles.models import Person

# Besides the superuser, one account per newsroom role, to try the workflow.
ROLE_ACCOUNTS = [
    ("editor", "Editor", "Eve", "Editor"),
    ("reporter", "Reporter", "Ray", "Reporter"),
]


class Command(BaseCommand):
    help = (
        "Create local accounts for development (DEBUG only) and print how to sign in: "
        "a superuser (ADMIN_USERNAME, default admin), an editor and a reporter, all with "
        "the password ADMIN_PASSWORD (default admin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, url, **options):
        if not settings.DEBUG:
            raise CommandError(
                "local_admin runs only with DEBUG=1; in production use `manage.py createsuperuser`."
            )
        password = os.environ.get("ADMIN_PASSWORD", "admin")
        admin = self.account(os.environ.get("ADMIN_USERNAME", "admin"), password, superuser=True)
        lines = [f"Sign in to the admin at {url} with {self.sign_in(admin, password)}."]
        for username, group, first, last in ROLE_ACCOUNTS:
            user = self.account(username, password, group=group, name=(first, last))
            lines.append(f"  To try the {group.lower()}'s role: {self.sign_in(user, password)}.")
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))

    def account(self, username, password, superuser=False, group=None, name=("", "")):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "is_staff": True,
                "is_superuser": superuser,
                "first_name": name[0],
                "last_name": name[1],
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            if group:
                user.groups.add(Group.objects.get(name=group))
                # A journalist signs stories as a Person.
                Person.objects.get_or_create(
                    slug=f"{username}-local",
                    defaults={"name": " ".join(name), "title": group, "user": user},
                )
        return user

    def sign_in(self, user, password):
        if user.check_password(password):
            return f"username “{user.get_username()}”, password “{password}”"
        return f"username “{user.get_username()}” and the password you set for it"
