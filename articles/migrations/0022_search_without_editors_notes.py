"""Readers' search no longer finds the words of editors' notes.

An editor's note (``<aside class="editors-note">`` in the body) is for the desk
only; the search document drops it before it drops the markup. The sanitiser
keeps notes unnested and no ``<`` or ``>`` in attribute values, so the first
``</aside>`` after a note's start is its end.
"""

from django.db import migrations

DOCUMENT_SQL = """
CREATE OR REPLACE FUNCTION articles_story_search_document(story articles_story) RETURNS tsvector
LANGUAGE sql STABLE AS $$
  SELECT
    setweight(to_tsvector('english', coalesce(story.headline, '')), 'A')
    || setweight(to_tsvector('english', concat_ws(' ', story.kicker, story.dek,
      (SELECT string_agg(p.name, ' ') FROM articles_story_people sp
        JOIN articles_person p ON p.id = sp.person_id WHERE sp.story_id = story.id),
      (SELECT string_agg(t.name, ' ') FROM articles_taggedstory ts
        JOIN taggit_tag t ON t.id = ts.tag_id WHERE ts.content_object_id = story.id)
    )), 'B')
    || setweight(to_tsvector('english', concat_ws(' ',
      (SELECT string_agg(s.name, ' ') FROM articles_citation c
        JOIN articles_source s ON s.id = c.source_id WHERE c.story_id = story.id),
      (SELECT string_agg(p.name, ' ') FROM articles_byline b
        JOIN articles_person p ON p.id = b.person_id WHERE b.story_id = story.id)
    )), 'C')
    || setweight(to_tsvector('english', regexp_replace({body}, '<[^>]*>', ' ', 'g')), 'D')
$$;
UPDATE articles_story SET search_vector = NULL WHERE position('editors-note' in body) > 0;
"""

WITHOUT_NOTES = (
    "regexp_replace(coalesce(story.body, ''), '<aside class=\"editors-note\">.*?</aside>', "
    "' ', 'g')"
)
WITH_NOTES = "coalesce(story.body, '')"


def run_on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_image_focal_point"),
    ]

    operations = [
        migrations.RunPython(
            run_on_postgresql(DOCUMENT_SQL.replace("{body}", WITHOUT_NOTES)),
            run_on_postgresql(DOCUMENT_SQL.replace("{body}", WITH_NOTES)),
        ),
    ]
