#!/usr/bin/env bash
# The action's install step: puts superset-gitops where the next step finds it and writes its path to
# $GITHUB_OUTPUT as `cli`.
#   INPUT_VERSION  '' (the action's own version), a version or range from npm, a *.tgz path, or `local`
#   ACTION_PATH    the action's checkout
# npm runs with an environment that holds only what npm needs: the step's env may carry the
# secrets of the command that follows, and no dependency's install script may read them.
set -euo pipefail
: "${ACTION_PATH:?}" "${GITHUB_OUTPUT:?}"
version=${INPUT_VERSION:-}

clean_env=(env -i "PATH=$PATH" "HOME=${HOME:-/tmp}")
for name in $(compgen -e); do
  case $name in
    npm_config_* | NPM_CONFIG_* | HTTP_PROXY | HTTPS_PROXY | NO_PROXY | http_proxy | https_proxy | no_proxy | \
      NODE_EXTRA_CA_CERTS | RUNNER_TEMP | TMPDIR | CI)
      clean_env+=("$name=${!name}")
      ;;
  esac
done

if [[ -z $version ]]; then
  version=$(node -p 'require(process.argv[1]).version' "$ACTION_PATH/package.json")
fi

if [[ $version == local ]]; then
  # This project's own workflows: the checkout is the action; `npm ci` builds dist/ (prepare).
  if [[ ! -f $ACTION_PATH/dist/cli/main.js || ! -d $ACTION_PATH/node_modules ]]; then
    (cd "$ACTION_PATH" && "${clean_env[@]}" npm ci --no-audit --no-fund)
  fi
  cli="$ACTION_PATH/bin/superset-gitops.js"
else
  if [[ $version == *.tgz ]]; then
    spec=$(cd "$(dirname "$version")" && pwd)/$(basename "$version")
    key=$(basename "$version" .tgz)
  elif [[ $version =~ ^[0-9A-Za-z.^~\<\>=\ \|*-]+$ ]]; then
    spec="superset-gitops@$version"
    key=${version//[^0-9A-Za-z.-]/_}
  else
    echo "::error::version: expected a version or range, a .tgz path or 'local', got '$version'"
    exit 1
  fi
  tool="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/superset-gitops-$key"
  if [[ ! -x $tool/node_modules/.bin/superset-gitops ]]; then
    mkdir -p "$tool"
    printf '{ "private": true }\n' >"$tool/package.json"
    (cd "$tool" && "${clean_env[@]}" npm install --no-audit --no-fund --omit=dev --no-save "$spec")
  fi
  cli="$tool/node_modules/.bin/superset-gitops"
fi

echo "superset-gitops $("$cli" --version) at $cli"
echo "cli=$cli" >>"$GITHUB_OUTPUT"
