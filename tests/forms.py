"""Fill in and submit the admin's real forms, as a browser would."""

from html.parser import HTMLParser


class FormParser(HTMLParser):
    """The values a browser would submit for the form with ``form_id``."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.data: dict[str, list[str]] = {}
        self.textarea = None
        self.select = None
        self.option = None

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.option = attrs.get("value")
            if self.option is not None:
                self.add(self.select, self.option)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.add(name, text[1:] if text.startswith("\n") else text)
            self.textarea = None
        elif tag == "select":
            self.select = None


def form_values(html: str, form_id: str) -> dict:
    """{name: value or [values]} for every field of the form, ready for client.post()."""
    parser = FormParser(form_id)
    parser.feed(html)
    assert parser.data, f"no form with id {form_id!r}"
    return {
        name: values[0] if len(values) == 1 else values
        for name, values in parser.data.items()
        if values
    }


def story_form(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    return form_values(response.content.decode(), "story_form")


def edit(client, story, **fields):
    """Save the story's admin form as it opens, with ``fields`` changed; the story reloaded."""
    url = f"/admin/articles/story/{story.pk}/change/"
    data = story_form(client, url)
    data.update(fields)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].errors
    story.refresh_from_db()
    return story
