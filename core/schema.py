"""OpenAPI post-processing: every API operation documents the error answers it can give, in one shape.

Any operation can answer 400 (a malformed parameter or body), 401 (no or bad credentials; anonymous calls get
``WWW-Authenticate: Token``), 403 (visible but not yours to do), 404 (absent or outside your scope), 409 (the
state does not allow it now) and 429 (throttled or locked out). Each is ``ApiError``: ``{detail, code}`` plus,
for validation errors, ``errors`` — the body ``core.exception_handler`` writes. Operations keep the more
specific descriptions they already declare.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {}, "description": "字段错误 {字段: [消息]}"},
    },
    "required": ["detail", "code"],
}
DESCRIPTIONS = {
    "400": "输入有误（字段错误见 errors）",
    "401": "未登录或凭证无效",
    "403": "可以查看但无权进行此操作",
    "404": "不存在或不在您的管辖范围内",
    "405": "不支持的请求方法",
    "409": "当前状态不允许此操作",
    "429": "请求过于频繁或登录已被锁定",
}
METHODS = {"get", "post", "put", "patch", "delete"}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["ApiError"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/ApiError"}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in DESCRIPTIONS.items():
                if code not in responses:
                    responses[code] = {"description": description, "content": {"application/json": {"schema": ref}}}
    return result
