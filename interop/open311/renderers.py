"""Open311 bodies as JSON or XML, picked by the URL suffix alone.

The views answer the JSON shape of the spec (a list of requests, a discovery object …); the XML renderer
turns the same data into the spec's elements: the view names the root (``<services>``,
``<service_requests>``, ``<discovery>``, ``<service_definition>``), a list's items are named after their
list (``services`` → ``<service>``, ``service_requests`` → ``<request>``, ``endpoints`` → ``<endpoint>`` …),
and an error response is always ``<errors><error><code/><description/></error></errors>``.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree as ET

from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer

#: The element name of one item of a list, by the list's name.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

#: Characters XML 1.0 cannot carry at all (a stray control character in a description would make the whole
#: document unreadable to the client's parser), dropped on output.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311JSONRenderer(JSONRenderer):
    """Plain JSON (UTF-8, Chinese as is)."""

    format = "json"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    """Write ``value`` into ``element``: dicts as child elements, lists as named items, scalars as text."""
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        item = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item), child)
    else:
        element.text = _text(value)


def to_xml(data: Any, root: str) -> bytes:
    """The document ``<root>…</root>`` for ``data``, with an XML declaration, UTF-8 encoded."""
    element = ET.Element(root)
    _fill(element, data)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode").encode("utf-8")


class Open311XMLRenderer(BaseRenderer):
    """The spec's XML. The root element comes from the view's ``xml_root``; error responses use ``errors``."""

    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None) -> bytes:
        context = renderer_context or {}
        response = context.get("response")
        if response is not None and getattr(response, "exception", False):
            root = "errors"
        else:
            root = getattr(context.get("view"), "xml_root", "response")
        return to_xml(data, root)


class SuffixNegotiation(BaseContentNegotiation):
    """The URL suffix (``.json`` / ``.xml``) decides the format; the Accept header is not consulted.

    Open311 clients name the format in the path and often send a generic or mismatching Accept header;
    DRF's default negotiation would answer those with 406 instead of the document they asked for.
    """

    def select_parser(self, request, parsers):
        return DefaultContentNegotiation().select_parser(request, parsers)

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = format_suffix or "json"
        for renderer in renderers:
            if renderer.format == wanted:
                return renderer, renderer.media_type
        return renderers[0], renderers[0].media_type
