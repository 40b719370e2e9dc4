"""Text that XML can carry, whatever was typed, pasted or imported.

XML 1.0 has no way to write C0 control characters other than tab, newline and
carriage return, lone surrogates, U+FFFE or U+FFFF: one of them in a headline
makes every feed and sitemap that shows it unreadable. Word writes a manual line
break as a vertical tab and a page break as a form feed, so pasted copy brings
them. ``xml_text()`` is the one place that removes them; the admin's text fields
call it (``XmlTextField``), the body's sanitiser and the feeds and sitemaps too,
and any future ingest or API should call it on what it stores.
"""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from taggit.managers import TaggableManager
from taggit.models import Tag
from taggit.utils import parse_tags

LINE_BREAKS = re.compile("[\x0b\x0c]")
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str, *, multiline: bool = False) -> str:
    """``value`` without the characters XML 1.0 cannot carry.

    A vertical tab or form feed becomes a line break in multi-line text and a
    space in one-line text; the other illegal characters are dropped.
    """
    value = LINE_BREAKS.sub("\n" if multiline else " ", value)
    return XML_ILLEGAL.sub("", value)


def xml_safe(value: Any) -> Any:
    """``value`` with ``xml_text()`` applied to every string in it, through lists,
    tuples and dicts; anything else is returned as it is."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list):
        return [xml_safe(item) for item in value]
    if isinstance(value, tuple):
        return tuple(xml_safe(item) for item in value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    return value


class XmlTextMixin:
    """A form field that cleans its input with ``xml_text()`` before validating it;
    multi-line when its widget is a text area."""

    def to_python(self, value):
        if isinstance(value, str):
            value = xml_text(value, multiline=isinstance(self.widget, forms.Textarea))
        return super().to_python(value)


class XmlTextField(XmlTextMixin, forms.CharField):
    pass


def tag_names(value) -> list[str]:
    """Tag names as a list, whatever the form was given: names, tags, or the
    comma-separated text of taggit's own box (as older autosaved copies hold)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return parse_tags(value)
    return [str(item) for item in value]


class XmlTagField(forms.Field):
    """Tags as a list of names, one per value: a name may hold commas and quotes.

    Each name is cleaned with ``xml_text()``; blank ones and repeats (in any
    case, as tags are matched case-insensitively) are dropped.
    """

    widget = forms.SelectMultiple

    def to_python(self, value):
        names, seen = [], set()
        for name in tag_names(value):
            name = xml_text(name).strip()
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
        return names

    def validate(self, value):
        super().validate(value)
        # A tag's page address is its slug: "::" would have none.
        unaddressable = [name for name in value if not Tag().slugify(name)]
        if unaddressable:
            raise ValidationError(
                "A tag needs a letter or a digit: %(names)s cannot be one.",
                code="tag_without_slug",
                params={"names": ", ".join(f"“{name}”" for name in unaddressable)},
            )
        longest = Tag._meta.get_field("name").max_length
        too_long = [name for name in value if len(name) > longest]
        if too_long:
            raise ValidationError(
                "A tag is at most %(longest)d characters long; %(count)d of these are longer.",
                code="tag_too_long",
                params={"longest": longest, "count": len(too_long)},
            )

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        before = {name.casefold() for name in self.to_python(initial)}
        return before != {name.casefold() for name in self.to_python(data)}


# Model fields by exact class: subclasses (slugs, URLs, the story body) bring form
# fields of their own that validate or sanitise what they accept.
XML_TEXT_FORM_FIELDS = {
    models.CharField: XmlTextField,
    models.TextField: XmlTextField,
    TaggableManager: XmlTagField,
}


class XmlTextAdminMixin:
    """For a ModelAdmin or an inline: its forms' text fields use ``xml_text()``."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        form_class = XML_TEXT_FORM_FIELDS.get(type(db_field))
        if form_class and not db_field.choices:
            kwargs.setdefault("form_class", form_class)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
