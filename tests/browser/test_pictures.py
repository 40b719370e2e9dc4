"""The desk's pictures in a real browser: a file kept through a form error, upload
progress, the focal point, and the story form's chooser previewing at once."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from articles.models import Image
from tests.browser.test_desk import script_errors
from tests.browser.test_journeys import choose, serious_violations, sign_in
from tests.pictures import photo

pytestmark = pytest.mark.browser

ADD_URL = "/admin/articles/image/add/"


@pytest.fixture
def chief(transactional_db):
    return User.objects.create_superuser("chief", "chief@example.com", "a-long-password")


def picture_file(size=(1200, 800), name="riyadh-talks.jpg"):
    return {"name": name, "mimeType": "image/jpeg", "buffer": photo(size)}


def stored_picture(alt_text="Delegates at the table", size=(1200, 800)) -> Image:
    """A picture saved and committed: its job makes the renditions at once."""
    image = Image(alt_text=alt_text, credit="Jane Doe/Agency")
    image.file.save("talks.jpg", ContentFile(photo(size)))
    image.refresh_from_db()
    assert image.ready
    return image


def test_a_file_chosen_survives_a_missing_alt_text_and_is_saved_once_it_is_given(page, chief):
    errors = script_errors(page)
    sign_in(page, "chief", "a-long-password")
    page.goto(ADD_URL)
    page.locator("#id_file").set_input_files(picture_file())
    page.get_by_label("Credit").fill("Jane Doe/Agency")
    page.get_by_role("button", name="Save", exact=True).click()

    # The form comes back with its error, and the file is still there.
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-alt_text .errorlist")).to_contain_text("required")
    keep = page.get_by_label("Keep this file (riyadh-talks.jpg)")
    expect(keep).to_be_checked()
    preview = page.get_by_role("img", name="The picture chosen before: riyadh-talks.jpg")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.naturalWidth") == 320
    assert serious_violations(page) == []

    page.get_by_label("Alt text").fill("Delegates at the table")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    image = Image.objects.get()
    assert image.alt_text == "Delegates at the table"
    assert (image.width, image.height) == (1200, 800)
    assert errors == []


def test_an_upload_shows_its_progress_and_cannot_be_sent_twice(page, chief):
    errors = script_errors(page)
    sign_in(page, "chief", "a-long-password")
    page.goto(ADD_URL)
    held = []
    # The post waits here, as a large upload would on a slow line.
    page.route(
        re.compile(r".*/admin/articles/image/add/$"),
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    page.locator("#id_file").set_input_files(picture_file((2400, 1600)))
    page.get_by_label("Alt text").fill("Delegates at the table")
    page.get_by_label("Credit").fill("Jane Doe/Agency")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.get_by_role("progressbar", name="Upload progress")).to_be_visible()
    for name in ["Save", "Save and add another", "Save and continue editing"]:
        expect(page.get_by_role("button", name=name, exact=True)).to_be_disabled()
    expect(page.get_by_role("status")).to_contain_text(re.compile("Upload|checking"))
    assert serious_violations(page) == []
    assert len(held) == 1

    held[0].continue_()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    image = Image.objects.get()
    expect(page).to_have_url(re.compile(rf"/admin/articles/image/{image.pk}/change/$"))
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_enabled()
    assert Image.objects.count() == 1
    assert errors == []


def test_a_form_without_a_new_file_disables_its_buttons_as_it_posts(page, chief):
    image = stored_picture()
    errors = script_errors(page)
    sign_in(page, "chief", "a-long-password")
    page.goto(f"/admin/articles/image/{image.pk}/change/")
    # What the buttons were just after the form went, noted where the next page can
    # read it.
    page.evaluate(
        """() => document.getElementById("image_form").addEventListener("submit", () => {
          window.setTimeout(() => {
            const buttons = document.querySelectorAll(".submit-row [type=submit]");
            sessionStorage.setItem("disabled", [...buttons].every((b) => b.disabled));
          }, 0);
        })"""
    )
    page.get_by_label("Caption").fill("Delegations meet in Riyadh")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    image.refresh_from_db()
    assert image.caption == "Delegations meet in Riyadh"
    assert page.evaluate("() => sessionStorage.getItem('disabled')") == "true"
    assert errors == []


def test_clicking_the_picture_sets_its_focal_point_and_the_crops_follow(page, chief):
    image = stored_picture()
    share_before = image.renditions["share"]
    errors = script_errors(page)
    sign_in(page, "chief", "a-long-password")
    page.goto(f"/admin/articles/image/{image.pk}/change/")

    picture = page.locator(".focal-picker img")
    expect(picture).to_be_visible()
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    expect(page.get_by_label("Focal point across")).to_have_value("0.25")
    expect(page.get_by_label("Focal point down")).to_have_value("0.75")
    marker = page.locator(".focal-marker")
    assert marker.evaluate("m => [m.style.left, m.style.top]") == ["25%", "75%"]
    assert serious_violations(page) == []

    # Keyboard too: the number boxes step by 1%, and the point can go back to the centre.
    page.get_by_label("Focal point across").press("ArrowUp")
    expect(page.get_by_label("Focal point across")).to_have_value("0.26")
    assert marker.evaluate("m => m.style.left") == "26%"
    page.get_by_role("button", name="Reset to centre").click()
    expect(page.get_by_label("Focal point across")).to_have_value("0.50")
    picture.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (0.25, 0.75)
    assert image.renditions["focal"] == [0.25, 0.75]
    assert image.renditions["share"] != share_before
    # The page shows the point where it was put.
    expect(page.locator(".focal-picker")).to_have_attribute("data-focal-x", "0.25")
    assert page.locator(".focal-marker").evaluate("m => m.style.top") == "75%"
    assert errors == []


def test_picking_a_lead_image_previews_it_before_the_story_is_saved(page, chief):
    image = stored_picture(alt_text="Riyadh talks table")
    errors = script_errors(page)
    sign_in(page, "chief", "a-long-password")
    page.goto("/admin/articles/story/add/")
    preview = page.locator(".lead-image-preview")
    expect(preview).to_have_text("—")

    choose(page, page.locator(".field-lead_image"), "Riyadh talks table")

    thumbnail = preview.get_by_role("img", name="Riyadh talks table")
    expect(thumbnail).to_be_visible()
    expect(thumbnail).to_have_attribute("src", image.thumbnail_url())
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")
    assert serious_violations(page) == []

    # Clearing the choice clears the preview.
    page.locator(".field-lead_image .select2-selection__clear").click()
    expect(preview).to_have_text("—")
    assert errors == []
