"""A hand-corrected COPY of docs/openapi.json, for trying the consumer checks against the spec they are written for.
Not used by CI and never written over docs/openapi.json: the spec is generated from the Rust code, where the real
fixes belong. It shows, by a passing run, that the checks python-client, prism and typescript fail today only on
the spec: with these three corrections (and nothing else) they pass against the live server.

    python3 tests/consumers/corrected-spec.py docs/openapi.json /tmp/corrected.json
    OPENAPI_SPEC=/tmp/corrected.json ONLY=typescript,python-client,prism bash tests/consumers/run.sh

1. Every `Envelope_X` schema `$ref`s `X` for its `data` (`Paginated_X`: its `items`; `Vec_X`: its items) instead of
   inlining a copy, so a resource is one named type in every client.
2. Every non-JSON, non-text/plain response body is `{type: string, format: binary}` (exports, images).
3. Every operation with a JSON request body documents 413 (MAX_JSON_BYTES).
"""

import json
import sys

s = json.load(open(sys.argv[1]))
S = s["components"]["schemas"]
n = 0
for name, sch in S.items():
    if not name.startswith("Envelope_"):
        continue
    inner = name[len("Envelope_") :]
    data = sch["properties"]["data"]
    if inner.startswith("Paginated_"):
        t = inner[len("Paginated_") :]
        if t in S:
            data["properties"]["items"]["items"] = {"$ref": f"#/components/schemas/{t}"}
            n += 1
    elif inner.startswith("Vec_"):
        t = inner[len("Vec_") :]
        if t in S:
            data["items"] = {"$ref": f"#/components/schemas/{t}"}
            n += 1
    elif inner in S:
        sch["properties"]["data"] = {"$ref": f"#/components/schemas/{inner}"}
        n += 1
BIN = {"type": "string", "format": "binary"}
for p, ops in s["paths"].items():
    for m, op in ops.items():
        if not isinstance(op, dict) or "responses" not in op:
            continue
        for code, r in op["responses"].items():
            for ct, media in r.get("content", {}).items():
                if ct not in ("application/json", "text/plain"):
                    media["schema"] = dict(BIN)
        rb = op.get("requestBody", {}).get("content", {})
        if "application/json" in rb and "413" not in op["responses"]:
            op["responses"]["413"] = {
                "description": "Too large",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
            }
print(f"{n} envelopes now $ref their data", file=sys.stderr)
json.dump(s, open(sys.argv[2], "w"), indent=2)
