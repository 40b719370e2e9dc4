"""Story type, and the full-text search vector kept up to date by PostgreSQL.

On PostgreSQL, triggers recompute ``articles_story.search_vector`` whenever a
story's text changes, a byline, person, citation or tag is added to or removed
from it, or a person, source or tag it names is renamed. Triggers, rather than
Python signals, so that bulk inserts, raw SQL and ``loaddata`` keep it right too.
On SQLite the column stays empty and search uses a simpler fallback.
"""

import django.contrib.postgres.search
from django.db import migrations, models

# Must match articles.search.SEARCH_CONFIG.
CONFIG = "english"

CREATE_SQL = f"""
CREATE FUNCTION articles_story_search_document(story articles_story) RETURNS tsvector
LANGUAGE sql STABLE AS $$
  SELECT
    setweight(to_tsvector('{CONFIG}', coalesce(story.headline, '')), 'A')
    || setweight(to_tsvector('{CONFIG}', concat_ws(' ', story.kicker, story.dek,
      (SELECT string_agg(p.name, ' ') FROM articles_story_people sp
        JOIN articles_person p ON p.id = sp.person_id WHERE sp.story_id = story.id),
      (SELECT string_agg(t.name, ' ') FROM taggit_taggeditem ti
        JOIN taggit_tag t ON t.id = ti.tag_id
        JOIN django_content_type ct ON ct.id = ti.content_type_id
        WHERE ct.app_label = 'articles' AND ct.model = 'story' AND ti.object_id = story.id)
    )), 'B')
    || setweight(to_tsvector('{CONFIG}', concat_ws(' ',
      (SELECT string_agg(s.name, ' ') FROM articles_citation c
        JOIN articles_source s ON s.id = c.source_id WHERE c.story_id = story.id),
      (SELECT string_agg(p.name, ' ') FROM articles_byline b
        JOIN articles_person p ON p.id = b.person_id WHERE b.story_id = story.id)
    )), 'C')
    || setweight(to_tsvector('{CONFIG}',
      regexp_replace(coalesce(story.body, ''), '<[^>]*>', ' ', 'g')), 'D')
$$;

CREATE FUNCTION articles_story_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := articles_story_search_document(NEW);
  RETURN NEW;
END
$$;

-- Any write of search_vector (even NULL) recomputes it: that is how the triggers
-- below ask for a story to be indexed again.
CREATE TRIGGER articles_story_search_update
BEFORE INSERT OR UPDATE OF headline, kicker, dek, body, search_vector ON articles_story
FOR EACH ROW EXECUTE FUNCTION articles_story_search_update();

-- TG_ARGV[0] names the column holding the story id; a second argument means the
-- table is generic (taggit) and only rows for stories count.
CREATE FUNCTION articles_story_search_relation_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  item jsonb;
BEGIN
  FOREACH item IN ARRAY ARRAY[to_jsonb(OLD), to_jsonb(NEW)] LOOP
    IF item IS NOT NULL AND (TG_NARGS = 1 OR (item ->> 'content_type_id')::int IN (
      SELECT id FROM django_content_type WHERE app_label = 'articles' AND model = 'story'
    )) THEN
      UPDATE articles_story SET search_vector = NULL WHERE id = (item ->> TG_ARGV[0])::bigint;
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;

CREATE TRIGGER articles_story_search_people
AFTER INSERT OR UPDATE OR DELETE ON articles_story_people
FOR EACH ROW EXECUTE FUNCTION articles_story_search_relation_changed('story_id');
CREATE TRIGGER articles_story_search_bylines
AFTER INSERT OR UPDATE OR DELETE ON articles_byline
FOR EACH ROW EXECUTE FUNCTION articles_story_search_relation_changed('story_id');
CREATE TRIGGER articles_story_search_citations
AFTER INSERT OR UPDATE OR DELETE ON articles_citation
FOR EACH ROW EXECUTE FUNCTION articles_story_search_relation_changed('story_id');
CREATE TRIGGER articles_story_search_tags
AFTER INSERT OR UPDATE OR DELETE ON taggit_taggeditem
FOR EACH ROW EXECUTE FUNCTION articles_story_search_relation_changed('object_id', 'generic');

CREATE FUNCTION articles_story_search_name_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
        SELECT ti.object_id FROM taggit_taggeditem ti
        JOIN django_content_type ct ON ct.id = ti.content_type_id
        WHERE ct.app_label = 'articles' AND ct.model = 'story' AND ti.tag_id = NEW.id);
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER articles_story_search_person_name AFTER UPDATE OF name ON articles_person
FOR EACH ROW EXECUTE FUNCTION articles_story_search_name_changed();
CREATE TRIGGER articles_story_search_source_name AFTER UPDATE OF name ON articles_source
FOR EACH ROW EXECUTE FUNCTION articles_story_search_name_changed();
CREATE TRIGGER articles_story_search_tag_name AFTER UPDATE OF name ON taggit_tag
FOR EACH ROW EXECUTE FUNCTION articles_story_search_name_changed();

CREATE INDEX articles_story_search_vector_idx ON articles_story USING gin (search_vector);

UPDATE articles_story SET search_vector = NULL;
"""

DROP_SQL = """
DROP INDEX IF EXISTS articles_story_search_vector_idx;
DROP TRIGGER IF EXISTS articles_story_search_person_name ON articles_person;
DROP TRIGGER IF EXISTS articles_story_search_source_name ON articles_source;
DROP TRIGGER IF EXISTS articles_story_search_tag_name ON taggit_tag;
DROP TRIGGER IF EXISTS articles_story_search_people ON articles_story_people;
DROP TRIGGER IF EXISTS articles_story_search_bylines ON articles_byline;
DROP TRIGGER IF EXISTS articles_story_search_citations ON articles_citation;
DROP TRIGGER IF EXISTS articles_story_search_tags ON taggit_taggeditem;
DROP TRIGGER IF EXISTS articles_story_search_update ON articles_story;
DROP FUNCTION IF EXISTS articles_story_search_name_changed();
DROP FUNCTION IF EXISTS articles_story_search_relation_changed();
DROP FUNCTION IF EXISTS articles_story_search_update();
DROP FUNCTION IF EXISTS articles_story_search_document(articles_story);
"""


def run_on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_images"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="story_type",
            field=models.CharField(
                choices=[
                    ("news", "News"),
                    ("analysis", "Analysis"),
                    ("opinion", "Opinion"),
                    ("explainer", "Explainer"),
                    ("interview", "Interview"),
                    ("review", "Review"),
                    ("fact-check", "Fact check"),
                    ("obituary", "Obituary"),
                    ("sponsored", "Sponsored"),
                ],
                default="news",
                help_text="What kind of journalism this is. Readers see it above the headline.",
                max_length=20,
                verbose_name="type",
            ),
        ),
        migrations.AddField(
            model_name="story",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(run_on_postgresql(CREATE_SQL), run_on_postgresql(DROP_SQL)),
    ]
