from django.core.management.base import BaseCommand

from articles.images import crops_made
from articles.models import Image
from articles.tasks import make_image_renditions, run_in_background


class Command(BaseCommand):
    help = (
        "Queue a job cropping every picture whose crops for search engines (16:9, 4:3, "
        "1:1) are missing, of an older size or cut around an older focal point. "
        "Pictures not yet resized get their crops with their renditions. Safe to run "
        "again: a picture cropped already is left alone."
    )

    def handle(self, *args, **options):
        pictures = Image.objects.exclude(file="").values_list(
            "pk", "file", "renditions", "focal_x", "focal_y"
        )
        queued = 0
        for pk, name, renditions, focal_x, focal_y in pictures.iterator():
            if not renditions.get("jpeg") or renditions.get("source") != name:
                continue  # its resizing job, due or failed, crops it too
            if renditions.get("focal") == [focal_x, focal_y] and crops_made(renditions):
                continue
            run_in_background(make_image_renditions, pk, name)
            queued += 1
        self.stdout.write(f"Queued crops for {queued} picture{'s' if queued != 1 else ''}.")
