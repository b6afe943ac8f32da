"""GeoJSON helpers: validation, bounding boxes, point-in-polygon (shapely)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from shapely.geometry import Point, shape
from shapely.validation import explain_validity

POLYGON_TYPES = ("Polygon", "MultiPolygon")


class GeometryError(ValueError):
    """A boundary that is not a valid GeoJSON polygon."""


def validate_boundary(geometry: Any) -> dict:
    """Return ``geometry`` if it is a valid GeoJSON Polygon/MultiPolygon in lng/lat, else raise GeometryError."""
    if not isinstance(geometry, dict):
        raise GeometryError("边界必须是 GeoJSON 几何对象")
    if geometry.get("type") not in POLYGON_TYPES:
        raise GeometryError(f"边界类型必须是 Polygon 或 MultiPolygon，而不是 {geometry.get('type')!r}")
    try:
        geom = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise GeometryError(f"坐标格式错误：{exc}") from exc
    if geom.is_empty:
        raise GeometryError("边界为空")
    if not geom.is_valid:
        raise GeometryError(f"边界不是有效多边形：{explain_validity(geom)}")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GeometryError("坐标超出经纬度范围（应为 [经度, 纬度]）")
    return geometry


def bbox_of(geometry: dict) -> tuple[float, float, float, float]:
    """(min_lng, min_lat, max_lng, max_lat)."""
    return shape(geometry).bounds


@lru_cache(maxsize=4096)
def _shape_cached(key: str):
    import json

    return shape(json.loads(key))


@lru_cache(maxsize=4096)
def boundary_from_text(text: str | None) -> dict | None:
    """A stored boundary's GeoJSON, decoded once per distinct text and kept (4,096 boundaries, the grids of a few
    districts). Pages that draw many grids read ``boundary`` as text (``Cast(..., TextField())``) and decode it
    here: decoding a district's 200 boundaries was a third of its dashboard's Python. The dict is shared between
    callers: read it, never change it."""
    if text is None:
        return None
    import json

    value = json.loads(text)
    return value if isinstance(value, dict) else None


def contains(geometry: dict, lat: float, lng: float) -> bool:
    import json

    return _shape_cached(json.dumps(geometry, sort_keys=True)).covers(Point(lng, lat))


#: Metres per degree of latitude (and of longitude at the equator): close enough for a tolerance check.
METRES_PER_DEGREE = 111_320.0


def distance_m(geometry: dict, lat: float, lng: float) -> float:
    """Approximate distance in metres from the point to the polygon (0 inside or on the edge).

    Degrees of longitude shrink with the cosine of the latitude; the distance is computed in a plane
    scaled by it around the point, which is accurate to a few percent over the few hundred metres a
    tolerance check cares about (and merely "very far" beyond).
    """
    import json
    import math

    from shapely import affinity

    polygon = _shape_cached(json.dumps(geometry, sort_keys=True))
    scale = max(math.cos(math.radians(lat)), 0.01)
    scaled = affinity.scale(polygon, xfact=scale, yfact=1.0, origin=(lng, lat))
    return scaled.distance(Point(lng, lat)) * METRES_PER_DEGREE
