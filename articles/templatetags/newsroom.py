from django import template

from articles.models import Section

register = template.Library()


@register.inclusion_tag("includes/section_nav.html", takes_context=True)
def section_nav(context):
    """The site's sections, for the header navigation."""
    return {"sections": Section.objects.all(), "request": context.get("request")}


@register.inclusion_tag("includes/picture.html")
def picture(image, sizes="100vw", eager=False, css_class=""):
    """A responsive <picture>: WebP and JPEG renditions, sized to avoid layout shift."""
    if not image or not image.renditions:
        return {"image": None}
    return {
        "image": image,
        "sizes": sizes,
        "eager": eager,
        "css_class": css_class,
        "fallback": image.fallback(),
        "webp": image.srcset("webp"),
        "jpeg": image.srcset("jpeg"),
    }
