"""The benchmark's bare floor: a Django project of one URL, served by the same gunicorn.

It answers ``/bench/floor/`` with the story page's bytes (the file named by
``BENCH_FLOOR_FILE``, read once a worker) through Django's handler
alone: no middleware, no database, no template, no installed app. What a page
of the site costs beyond it is what the site itself costs.
"""
