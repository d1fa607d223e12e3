#!/usr/bin/env bash
# Scans one image with every scanner and writes the reports a CI job keeps, through the same
# `churn security-scan` a user runs (so the gate here is the gate there).
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/security-scan.sh [-h] IMAGE [OUTDIR] [-- CHURN_FLAGS...]

Scans IMAGE (anything `churn security-scan` accepts: host:port/name:tag,
docker-archive:PATH, oci:DIR[:tag], fs:PATH or a folder) with every scanner
(vuln, secret, config, signature) and writes into OUTDIR (default:
$SECURITY_REPORTS_DIR, else ./security-reports):
  vulnerability-report.json  Trivy-layout JSON of the vulnerability scanner
  secrets-report.json        Trivy-layout JSON of the secret scanner
  config-report.json         Trivy-layout JSON of the configuration scanner
  sbom.cdx.json              CycloneDX 1.5 SBOM of the installed packages
  results.sarif              SARIF 2.1.0, all scanners (for code scanning)
  summary.md                 Markdown summary, all scanners (also printed)
Each file is replaced atomically, and only once every scan has succeeded.

CHURN_FLAGS (after `--`) and the words of $CHURN_SCAN_ARGS are passed to every
`churn security-scan` run, e.g. --db FILE, --platform linux/arm64, --insecure,
--key cosign.pub, --secret-baseline FILE. --format, --output and --scanners
are set by this script.

Environment:
  SECURITY_REPORTS_DIR  output folder when OUTDIR is not given
  SECURITY_SCANNERS     scanners of the summary, SARIF and JSON runs
                        (default vuln,secret,config,signature)
  CHURN_SCAN_ARGS       extra flags for churn, split on whitespace
  GITHUB_STEP_SUMMARY   when set (GitHub Actions), the summary is appended to it
  churn's own settings apply too: MAX_CRITICAL_VULNERABILITIES,
  MAX_HIGH_VULNERABILITIES, MAX_MEDIUM_VULNERABILITIES,
  FAIL_ON_VULNERABILITIES, ALLOWED_INGRESS_PORTS, DATA_DIR (default vulnerability
  database), DATABASE_URL (scan history: the summary run is recorded, the others
  are not).

Exit status: 0 the gate passed; 1 the gate failed (reports written);
2 bad usage or input; 3 an internal or environment failure.
EOF
}

die_usage() {
  echo "security-scan: $1" >&2
  echo "(run with --help for usage)" >&2
  exit 2
}

image=''
outdir=''
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --) shift; extra+=("$@"); break ;;
    -*) die_usage "unknown option $1" ;;
    *)
      if [ -z "$image" ]; then image=$1
      elif [ -z "$outdir" ]; then outdir=$1
      else die_usage "unexpected argument $1"
      fi
      ;;
  esac
  shift
done
[ -n "$image" ] || die_usage 'IMAGE is required'

env_args=()
read -r -a env_args <<<"${CHURN_SCAN_ARGS:-}" || true
passthrough=("${env_args[@]+"${env_args[@]}"}" "${extra[@]+"${extra[@]}"}")
for arg in "${passthrough[@]+"${passthrough[@]}"}"; do
  case "$arg" in
    --format | --format=* | --output | --output=* | --scanners | --scanners=*) die_usage "$arg is set by this script; pass other flags only" ;;
  esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cli_main="$root/dist/cli/main.js"
# A fresh clone has dist/ from `npm ci` (the prepare script); a checkout edited since needs a rebuild.
if [ ! -f "$cli_main" ] || [ -n "$(find "$root/src" "$root/package.json" "$root/tsconfig.json" "$root/tsconfig.build.json" -newer "$cli_main" -print -quit 2>/dev/null)" ]; then
  echo "security-scan: building dist/ (npm run build)" >&2
  if ! (cd "$root" && npm run build --silent) >&2; then
    echo "security-scan: the build failed" >&2
    exit 3
  fi
fi

out=${outdir:-${SECURITY_REPORTS_DIR:-security-reports}}
mkdir -p -- "$out" || exit 3
# Reports are made in a folder beside the final ones, then renamed into place one by one.
stage=$(mktemp -d "$out/.security-scan.XXXXXX") || exit 3
trap 'rm -rf -- "$stage"' EXIT
trap 'exit 3' INT TERM

# What this build of churn offers: the signature scanner, and --no-record. churn records each scan
# (history, deadlines, accepted risks, audit); only the gate run may, so one run of this script is
# one scan in the history.
scan_help=$(node "$root/bin/churn.js" security-scan --help 2>/dev/null || true)
no_record=()
case "$scan_help" in *--no-record*) no_record=(--no-record) ;; esac
case "$scan_help" in *signature*) all_scanners=vuln,secret,config,signature ;; *) all_scanners=vuln,secret,config ;; esac
scanners=${SECURITY_SCANNERS:-$all_scanners}

# churn_scan SCANNERS FORMAT FILE [FLAGS...]: one scan; sets $status (0 passed, 1 gate failed), exits on 2/3.
status=0
churn_scan() {
  status=0
  node "$root/bin/churn.js" security-scan "$image" "${passthrough[@]+"${passthrough[@]}"}" \
    --scanners "$1" --format "$2" --output "$stage/$3" "${@:4}" 2>"$stage/stderr" || status=$?
  if [ "$status" -gt 1 ]; then
    cat "$stage/stderr" >&2
    [ "$status" -eq 2 ] && exit 2
    exit 3
  fi
}

# The gate run: the summary shows, and the exit status reports, the decision of all scanners.
churn_scan "$scanners" markdown summary.md
gate=$status
cp "$stage/stderr" "$stage/gate.stderr"
churn_scan "$scanners" sarif results.sarif "${no_record[@]+"${no_record[@]}"}"
churn_scan "$scanners" json all.json "${no_record[@]+"${no_record[@]}"}"
# The SBOM is the inventory alone, which every scan builds; the cheapest scanner suffices.
churn_scan config cyclonedx sbom.cdx.json "${no_record[@]+"${no_record[@]}"}"

# The three per-scanner reports are cut from one Trivy-layout report by result class.
node --input-type=module -e '
import { readFileSync, writeFileSync } from "node:fs";
const [file, dir] = process.argv.slice(1);
const report = JSON.parse(readFileSync(file, "utf8"));
const parts = {
  "vulnerability-report.json": ["os-pkgs", "lang-pkgs"],
  "secrets-report.json": ["secret"],
  "config-report.json": ["config"],
};
for (const [name, classes] of Object.entries(parts)) {
  const part = { ...report, Results: report.Results.filter((r) => classes.includes(r.Class)) };
  writeFileSync(`${dir}/${name}`, `${JSON.stringify(part, null, 2)}\n`);
}
' "$stage/all.json" "$stage" || { echo "security-scan: could not split the JSON report" >&2; exit 3; }

for f in vulnerability-report.json secrets-report.json config-report.json sbom.cdx.json results.sarif summary.md; do
  mv -f -- "$stage/$f" "$out/$f" || exit 3
done

cat "$out/summary.md"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$out/summary.md" >>"$GITHUB_STEP_SUMMARY" || true; fi
cat "$stage/gate.stderr" >&2
echo "security-scan: reports in $out" >&2
exit "$gate"
