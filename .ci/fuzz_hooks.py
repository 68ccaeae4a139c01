"""schemathesis hooks for .ci/fuzz.sh (loaded through SCHEMATHESIS_HOOKS=fuzz_hooks).

POST /api/v1/submissions/{id}/import.xlsx takes the filled Excel form as the raw request body
(application/vnd.openxmlformats-officedocument.spreadsheetml.sheet). schemathesis has no
serializer for that media type and would skip the operation; the generated body is bytes (the
schema is `format: binary`), so send it as it is, like application/octet-stream. The API must
answer such bytes with a documented 4xx (`invalid_workbook`), never a 5xx.
"""

import schemathesis

schemathesis.serializer.alias(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
)
