"""The benchmark behind ``make bench``: is Cultivate fast for a large organisation?

``database`` builds and swaps in a database of its own (never the user's),
``seed`` fills it with a large organisation in bulk, ``measure`` times the pages
(and where their time goes) and the reminder sweep against two references,
``http`` loads the real server (gunicorn) with signed-in people through locust
(``locustfile``, ``http_settings``), and ``report`` prints the tables and
writes the JSON. The ``bench`` management command strings them together.
"""
