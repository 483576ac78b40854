"""``{% pagecache %}``: a page's content, reused while nothing it shows changed.

    {% block content %}{% pagecache %}…{% endpagecache %}{% endblock content %}

The view passes ``page_key`` (``growth.pagecache.page_key``, or None to build
every time) and ``page_build``, a function returning the context the content
needs. On a hit the content comes from the cache and ``page_build`` is never
called; the rest of the page (navigation, messages) is rendered every time. A
template may hold several (``{% pagecache "title" %}``), which share one build.
"""

from django import template

from growth import pagecache

register = template.Library()


class PageCacheNode(template.Node):
    def __init__(self, nodelist, part):
        self.nodelist = nodelist
        self.part = part

    def render(self, context):
        key = context.get("page_key")
        if key is not None:
            key = f"{key}:{self.part}"

        def build() -> str:
            # The build joins the view's own context, once for every part of
            # the page: the parts after this one see it, and so do the tests.
            for scope in context.dicts:
                if "page_build" in scope and "page_built" not in scope:
                    scope.update(scope["page_build"](), page_built=True)
            return self.nodelist.render(context)

        return pagecache.remembered(key, build)


@register.tag("pagecache")
def do_pagecache(parser, token):
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError(
            "{% pagecache %} takes one part name at most."
        )
    part = bits[1].strip("\"'") if len(bits) == 2 else "content"
    nodelist = parser.parse(("endpagecache",))
    parser.delete_first_token()
    return PageCacheNode(nodelist, part)
