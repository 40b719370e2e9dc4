"""Tags on stories move from taggit's generic table to articles_taggedstory.

taggit_taggeditem keeps the story id in an integer column next to a content
type; PostgreSQL cannot join that to the stories' bigint ids by index, so tag
pages and related stories scanned every tag of the archive. The rows are copied
with their tags, the search triggers follow them, and the copied rows leave the
generic table.
"""

import json

import django.db.models.deletion
import taggit.managers
from django.db import migrations, models

STORY_TYPE = "(SELECT id FROM django_content_type WHERE app_label = 'articles' AND model = 'story')"

COPY_SQL = f"""
INSERT INTO articles_taggedstory (content_object_id, tag_id)
SELECT DISTINCT object_id, tag_id FROM taggit_taggeditem
WHERE content_type_id = {STORY_TYPE} AND object_id IN (SELECT id FROM articles_story);
DELETE FROM taggit_taggeditem WHERE content_type_id = {STORY_TYPE};
"""


def copy_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    story_type, _ = ContentType.objects.get_or_create(app_label="articles", model="story")
    schema_editor.execute(
        "INSERT INTO taggit_taggeditem (content_type_id, object_id, tag_id) "
        "SELECT %s, content_object_id, tag_id FROM articles_taggedstory",
        [story_type.pk],
    )


# Migration 0006's search document and tag rename trigger, with the tags read
# from one table or the other.
FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION articles_story_search_document(story articles_story) RETURNS tsvector
LANGUAGE sql STABLE AS $$
  SELECT
    setweight(to_tsvector('english', coalesce(story.headline, '')), 'A')
    || setweight(to_tsvector('english', concat_ws(' ', story.kicker, story.dek,
      (SELECT string_agg(p.name, ' ') FROM articles_story_people sp
        JOIN articles_person p ON p.id = sp.person_id WHERE sp.story_id = story.id),
      (SELECT string_agg(t.name, ' ') FROM {story_tags} WHERE {story_is} = story.id)
    )), 'B')
    || setweight(to_tsvector('english', concat_ws(' ',
      (SELECT string_agg(s.name, ' ') FROM articles_citation c
        JOIN articles_source s ON s.id = c.source_id WHERE c.story_id = story.id),
      (SELECT string_agg(p.name, ' ') FROM articles_byline b
        JOIN articles_person p ON p.id = b.person_id WHERE b.story_id = story.id)
    )), 'C')
    || setweight(to_tsvector('english',
      regexp_replace(coalesce(story.body, ''), '<[^>]*>', ' ', 'g')), 'D')
$$;

CREATE OR REPLACE FUNCTION articles_story_search_name_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.name IS DISTINCT FROM OLD.name THEN
    IF TG_TABLE_NAME = 'articles_person' THEN
      UPDATE articles_story SET search_vector = NULL WHERE id IN (
        SELECT story_id FROM articles_story_people WHERE person_id = NEW.id
        UNION SELECT story_id FROM articles_byline WHERE person_id = NEW.id);
    ELSIF TG_TABLE_NAME = 'articles_source' THEN
      UPDATE articles_story SET search_vector = NULL WHERE id IN (
        SELECT story_id FROM articles_citation WHERE source_id = NEW.id);
    ELSE
      UPDATE articles_story SET search_vector = NULL WHERE id IN (
        SELECT {story_is} FROM {story_tags} WHERE t.id = NEW.id);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
"""

STORY_TAGS = {
    "story_tags": "articles_taggedstory ts JOIN taggit_tag t ON t.id = ts.tag_id",
    "story_is": "ts.content_object_id",
}
GENERIC_TAGS = {
    "story_tags": "taggit_taggeditem ti JOIN taggit_tag t ON t.id = ti.tag_id "
    "JOIN django_content_type ct ON ct.id = ti.content_type_id "
    "AND ct.app_label = 'articles' AND ct.model = 'story'",
    "story_is": "ti.object_id",
}

TRIGGERS_SQL = (
    "DROP TRIGGER IF EXISTS articles_story_search_tags ON taggit_taggeditem;"
    + FUNCTIONS_SQL.format(**STORY_TAGS)
    + """
CREATE TRIGGER articles_story_search_tags
AFTER INSERT OR UPDATE OR DELETE ON articles_taggedstory
FOR EACH ROW EXECUTE FUNCTION articles_story_search_relation_changed('content_object_id');
"""
)

UNDO_TRIGGERS_SQL = (
    "DROP TRIGGER IF EXISTS articles_story_search_tags ON articles_taggedstory;"
    + FUNCTIONS_SQL.format(**GENERIC_TAGS)
    + """
CREATE TRIGGER articles_story_search_tags
AFTER INSERT OR UPDATE OR DELETE ON taggit_taggeditem
FOR EACH ROW EXECUTE FUNCTION articles_story_search_relation_changed('object_id', 'generic');
"""
)


def convert_tag_versions(forwards: bool):
    """Rewrite saved revisions' tag rows for the other table.

    A story's revisions hold its tag rows; reverting to a revision from before
    the move would otherwise put them back in the generic table, where the site
    no longer reads them, and delete the story's current tags.
    """

    def convert(apps, schema_editor):
        Version = apps.get_model("reversion", "Version")
        ContentType = apps.get_model("contenttypes", "ContentType")
        TaggedStory = apps.get_model("articles", "TaggedStory")
        TaggedItem = apps.get_model("taggit", "TaggedItem")
        story_type = ContentType.objects.filter(app_label="articles", model="story").first()
        if story_type is None:
            return  # a new database: no revisions yet
        generic, _ = ContentType.objects.get_or_create(app_label="taggit", model="taggeditem")
        own, _ = ContentType.objects.get_or_create(app_label="articles", model="taggedstory")
        old_type, new_type = (generic, own) if forwards else (own, generic)
        for version in Version.objects.filter(content_type=old_type, format="json").iterator():
            [row] = json.loads(version.serialized_data)
            fields = row["fields"]
            if forwards:
                if fields.get("content_type") != story_type.pk:
                    continue  # a tag on something else than a story
                story, tag = fields["object_id"], fields["tag"]
                found = TaggedStory.objects.filter(content_object_id=story, tag_id=tag).first()
                new = {"model": "articles.taggedstory", "fields": {"tag": tag}}
                new["fields"]["content_object"] = story
            else:
                story, tag = fields["content_object"], fields["tag"]
                found = TaggedItem.objects.filter(
                    content_type_id=story_type.pk, object_id=story, tag_id=tag
                ).first()
                new = {"model": "taggit.taggeditem", "fields": {"tag": tag}}
                new["fields"].update(content_type=story_type.pk, object_id=story)
            # A tag since removed has no row: reverting creates one.
            new["pk"] = found.pk if found else None
            version.content_type = new_type
            version.object_id = str(found.pk) if found else ""
            version.serialized_data = json.dumps([new])
            version.save(update_fields=["content_type", "object_id", "serialized_data"])

    return convert


def run_on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


def drop_generic_tag_trigger(apps, schema_editor):
    # Copying and deleting rows must not re-index every story once per tag.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS articles_story_search_tags ON taggit_taggeditem"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_sitemap_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="TaggedStory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tagged_items",
                        to="articles.story",
                    ),
                ),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(app_label)s_%(class)s_items",
                        to="taggit.tag",
                    ),
                ),
            ],
            options={"verbose_name": "tag"},
        ),
        migrations.AddIndex(
            model_name="taggedstory",
            index=models.Index(fields=["tag", "content_object"], name="tagged_story_tag_idx"),
        ),
        migrations.AddConstraint(
            model_name="taggedstory",
            constraint=models.UniqueConstraint(
                fields=("content_object", "tag"), name="tagged_story_unique"
            ),
        ),
        migrations.RunPython(drop_generic_tag_trigger, migrations.RunPython.noop),
        # Revisions are rewritten after the rows they point to exist, both ways.
        migrations.RunPython(migrations.RunPython.noop, convert_tag_versions(False)),
        migrations.RunPython(migrations.RunPython.noop, copy_back),
        migrations.RunSQL(COPY_SQL, migrations.RunSQL.noop),
        migrations.RunPython(convert_tag_versions(True), migrations.RunPython.noop),
        migrations.RunPython(run_on_postgresql(TRIGGERS_SQL), run_on_postgresql(UNDO_TRIGGERS_SQL)),
        migrations.AlterField(
            model_name="story",
            name="tags",
            field=taggit.managers.TaggableManager(
                blank=True,
                help_text="A comma-separated list of tags.",
                through="articles.TaggedStory",
                to="taggit.Tag",
                verbose_name="Tags",
            ),
        ),
    ]
