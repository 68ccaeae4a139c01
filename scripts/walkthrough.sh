#!/usr/bin/env bash
# Runs docs/walkthrough.md ("Walkthrough: from a period to the consolidated report") end to end
# against a running API: every ```bash block of that page, exactly as written, in order, in one
# shell with `set -euo pipefail`. The commands use `curl --fail-with-body`, so any 4xx/5xx
# answer stops the run with a non-zero exit; at the end a few figures are checked. The page
# derives its period code and document numbers from a run id and its dates from today, so it
# runs again on the same database.
#
# Usage (the API running, e.g. `cargo run -p cchc-api -- quickstart`):
#   scripts/walkthrough.sh
# Environment:
#   BASE       API root (default http://127.0.0.1:8080/api/v1)
#   ADMIN      an admin token; default: a new one from `$CCHC_API token create --role admin ...`
#   CCHC_API   how to run the API's CLI (default `cargo run -q -p cchc-api --`); it needs the
#              same DATABASE_URL as the server
# Needs GNU bash, date and coreutils, curl >= 7.76, jq, openssl, unzip, and python3 with
# openpyxl. Files go to a temporary directory, kept and printed at the end.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PAGE=docs/walkthrough.md

for tool in curl jq openssl unzip python3; do
    command -v "$tool" >/dev/null || { echo "walkthrough: $tool is needed" >&2; exit 1; }
done
python3 -c 'import openpyxl' 2>/dev/null || {
    echo "walkthrough: python3 needs openpyxl (pip install openpyxl)" >&2
    exit 1
}

export BASE=${BASE:-http://127.0.0.1:8080/api/v1}
if [[ -z "${ADMIN:-}" ]]; then
    read -r -a cli <<<"${CCHC_API:-cargo run -q -p cchc-api --}"
    ADMIN=$("${cli[@]}" token create --role admin --name "Văn phòng Sở – điều phối CCHC" | tail -n 1)
fi
export ADMIN

work=$(mktemp -d "${TMPDIR:-/tmp}/cchc-walkthrough.XXXXXX")
steps="$work/steps.sh"

# The page's ```bash blocks; before each, a line naming it (and its "## " step) for the error
# message.
{
    echo 'trap '\''echo "walkthrough: stopped in block $BLOCK" >&2'\'' ERR'
    awk '
        /^## / { step = substr($0, 4) }
        /^```bash$/ {
            block = 1; n++
            print "# ---- block " n
            printf "BLOCK=\"%d (%s)\"\n", n, step
            next
        }
        block && /^```$/ { block = 0; next }
        block { print }
    ' "$PAGE"
} >"$steps"
blocks=$(grep -c '^# ---- block ' "$steps" || true)
[[ "$blocks" -gt 0 ]] || { echo "walkthrough: no bash blocks found in $PAGE" >&2; exit 1; }
grep -q '^RUN=' "$steps" || { echo "walkthrough: $PAGE no longer sets RUN" >&2; exit 1; }

cat >>"$steps" <<'CHECKS'
# ---- checks
fail() { echo "walkthrough: check failed: $*" >&2; exit 1; }
s=$(curl -sS --fail-with-body "$BASE/submissions/$SUB" -H "Authorization: Bearer $ADMIN")
[[ $(jq -r .status <<<"$s") == accepted ]] || fail "KHTC's report is not accepted"
[[ $(jq -r .submit_count <<<"$s") == 2 ]] || fail "KHTC's report was not submitted twice"
[[ $(jq -r '.timeliness // empty' <<<"$s") =~ ^(early|on_time|late)$ ]] || fail "no timeliness"
c=$(curl -sS --fail-with-body "$BASE/periods/$PERIOD/consolidation" -H "Authorization: Bearer $ADMIN")
[[ $(jq -r '.indicators[] | select(.code == "TTHC-DUNGHAN") | .value' <<<"$c") == 95.7692 ]] \
    || fail "TTHC-DUNGHAN is not 95.7692 %"
[[ $(jq -r '.indicators[] | select(.code == "TUYENTRUYEN-TINBAI") | .value' <<<"$c") == 13 ]] \
    || fail "TUYENTRUYEN-TINBAI is not 13"
[[ $(head -c 2 "tong-hop-$CODE.xlsx") == PK ]] || fail "tong-hop-$CODE.xlsx is not an xlsx"
a=$(curl -sS --fail-with-body "$BASE/audit?entity_type=submission&entity_id=$SUB" -H "Authorization: Bearer $ADMIN")
[[ $(jq -r '[.items[].action] | join(",")' <<<"$a") == accepted,submitted,updated,returned,submitted,updated,updated,updated,created ]] \
    || fail "unexpected audit trail: $(jq -c '[.items[].action]' <<<"$a")"
m=$(unzip -p filing.zip manifest.json)
[[ $(jq -r .document.reply_to <<<"$m") == "$LETTER_NO" ]] || fail "the filing manifest does not answer $LETTER_NO"
t=$(curl -sS --fail-with-body "$BASE/submissions/$TSUB" -H "Authorization: Bearer $ADMIN")
[[ $(jq -r '.unit_code + " " + .official_documents[0].number' <<<"$t") == "TTRA $REPORT_NO" ]] \
    || fail "TTRA's report does not carry $REPORT_NO"
p=$(curl -sS --fail-with-body "$BASE/periods/$PERIOD" -H "Authorization: Bearer $ADMIN")
(( $(date -d "$(jq -r .deadline.effective <<<"$p")" +%s) > $(date +%s) )) \
    || fail "the period's deadline is not ahead of today"
echo "walkthrough: $BLOCKS blocks ran, checks passed (period $CODE, submission $SUB)"
CHECKS

cd "$work"
BLOCKS=$blocks bash -euo pipefail "$steps"
echo "walkthrough: files in $work"
