#!/usr/bin/env bash
# The action's command step: runs one superset-gitops command and writes exit-code, result, summary
# and report to $GITHUB_OUTPUT (and the report to the job summary).
#   CLI, INPUT_COMMAND, INPUT_ENVIRONMENT, INPUT_DIR, INPUT_COMMENT, INPUT_FAIL_ON_DRIFT, INPUT_ARGS,
#   INPUT_GITHUB_TOKEN: as action.yml passes them.
set -uo pipefail
: "${CLI:?}" "${GITHUB_OUTPUT:?}"
command=${INPUT_COMMAND:-}
environment=${INPUT_ENVIRONMENT:-}
dir=${INPUT_DIR:-metadata}
out_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
report="$out_dir/superset-gitops-$command${environment:+-$environment}.md"
log="$out_dir/superset-gitops-$command${environment:+-$environment}.log"
read -r -a extra <<<"${INPUT_ARGS:-}"

fail() {
  echo "::error::$1"
  echo "exit-code=1" >>"$GITHUB_OUTPUT"
  echo "result=error" >>"$GITHUB_OUTPUT"
  exit 1
}

case $command in
  validate | plan | apply | drift) ;;
  *) fail "command: expected validate, plan, apply or drift, got '$command'" ;;
esac
if [[ $command != validate && -z $environment ]]; then fail "$command needs the environment input"; fi

case $command in
  validate) args=(validate "$dir" --format github) ;;
  plan) args=(plan --env "$environment" --dir "$dir" --format markdown --out "$report") ;;
  apply) args=(apply --env "$environment" --dir "$dir") ;;
  drift) args=(drift --env "$environment" --dir "$dir" --format markdown --out "$report") ;;
esac

status=0
"$CLI" "${args[@]}" "${extra[@]}" 2>&1 | tee "$log" || status=${PIPESTATUS[0]}

case "$command:$status" in
  validate:0) result=valid ;;
  validate:*) result=invalid ;;
  plan:0) result=no-changes ;;
  plan:2) result=changes ;;
  apply:0) result=applied ;;
  drift:0) result=no-drift ;;
  drift:2) result=drift ;;
  *) result=error ;;
esac

summary=$(cat "$report" "$log" 2>/dev/null |
  grep -m 1 -oE '(Plan: |No changes|Drift: |No drift: |Apply complete: |Nothing to apply|✔ |✖ ).*' |
  sed -E 's/\*\*$//' || true)
{
  echo "exit-code=$status"
  echo "result=$result"
  echo "summary=$summary"
  if [[ -f $report ]]; then echo "report=$report"; fi
} >>"$GITHUB_OUTPUT"

if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
  if [[ -f $report ]]; then cat "$report" >>"$GITHUB_STEP_SUMMARY"; else
    # shellcheck disable=SC2016 # backticks of a markdown code block, not a command
    printf '### superset-gitops %s %s\n\n**%s**\n\n```\n%s\n```\n' "$command" "$environment" \
      "${summary:-exit $status}" "$(tail -n 200 "$log")" >>"$GITHUB_STEP_SUMMARY"
  fi
fi

if [[ $command == plan && ${INPUT_COMMENT:-false} == true && -f $report ]]; then
  if [[ ${GITHUB_EVENT_NAME:-} == pull_request* ]]; then
    GITHUB_TOKEN=${INPUT_GITHUB_TOKEN:-} "$CLI" github comment --file "$report" --marker "plan-$environment" ||
      echo "::warning::the plan comment could not be posted"
  else
    echo "comment: not a pull request (${GITHUB_EVENT_NAME:-no event}); no comment posted"
  fi
fi

case $result in
  error | invalid) exit 1 ;;
  drift) if [[ ${INPUT_FAIL_ON_DRIFT:-true} == true ]]; then
    echo "::error::$summary"
    exit 1
  fi ;;
esac
exit 0
