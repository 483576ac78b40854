"""The benchmark behind ``make bench``: is Cultivate fast for a large organisation?

``database`` builds and swaps in a database of its own (never the user's),
``seed`` fills it with a large organisation in bulk, ``measure`` times the pages
and the reminder sweep against two references, and ``report`` prints the table
and writes the JSON. The ``bench`` management command strings them together.
"""
