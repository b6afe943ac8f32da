"""Open311 GeoReport v2 at ``/open311/v2/`` (http://wiki.open311.org/GeoReport_v2) so that existing
civic-reporting clients can file cases and follow them.

Endpoints (each in ``.json`` and ``.xml``; the suffix alone picks the format):

- ``GET discovery.{fmt}`` — the endpoint, its formats and changeset;
- ``GET services.{fmt}`` — the active 小类 of the matter catalogue: service_code = category code,
  group = its 大类 (names in English with ``?locale=en`` or ``Accept-Language: en`` where the catalogue has them);
- ``GET services/{service_code}.{fmt}`` — the service definition (no extra attributes: metadata is false);
- ``POST requests.{fmt}`` — file a case (form-encoded as the spec says; multipart ``media`` files as an
  extension, checked by content like every other evidence; ``media_url`` is never fetched, only kept as a
  link). Located by lat/long; answers 201 with the public case number as ``service_request_id`` at once (so
  ``token`` is null and ``tokens/{token}`` is not offered);
- ``GET requests.{fmt}`` and ``GET requests/{service_request_id}.{fmt}`` — public data of the cases filed
  through Open311 (``settings.OPEN311_PUBLISHED_CHANNELS`` may add channels; see ``selectors``): status
  open/closed, notes, the office that holds the case, times, place, first report photo. Never the citizen's
  name, phone or e-mail, never a staff name.

``api_key`` is optional and ignored: anonymous clients are allowed, and filing is rate limited per client IP
with the ``citizen_report`` throttle scope shared with the public citizen API. Errors are Open311 error
documents (``[{"code": 400, "description": …}]`` / ``<errors><error>…``) with the same HTTP status.
"""
