# Superset configuration for the local demo/test instance started by scripts/superset.sh.
#
# State lives in $SUPERSET_GITOPS_HOME (default: <repo>/.run/superset-<version>, git-ignored):
#   secret_key   generated once (secrets.token_urlsafe(48)), never committed
# The metadata database is PostgreSQL, as deployed: database $SUPERSET_GITOPS_METADATA_DB (one per
# Superset version, superset_<version>) of the project's cluster (scripts/postgres.sh) on
# 127.0.0.1:$PG_PORT, role `superset` with the password in $SUPERSET_DB_PASSWORD.
# Loaded by Superset through SUPERSET_CONFIG_PATH; values not set here keep
# Superset's defaults.
import os
import secrets
from pathlib import Path
from urllib.parse import quote

_REPO_ROOT = Path(__file__).resolve().parents[2]
_HOME = Path(
    os.environ.get("SUPERSET_GITOPS_HOME") or _REPO_ROOT / ".run" / "superset"
).resolve()


def _secret_key() -> str:
    path = _HOME / "secret_key"
    if not path.exists():
        _HOME.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"secret_key.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(tmp, path)  # atomic; loses cleanly to a concurrent writer
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to generate a new key")
    return key


SECRET_KEY = _secret_key()


def _metadata_uri() -> str:
    database = os.environ.get("SUPERSET_GITOPS_METADATA_DB")
    if not database:
        raise RuntimeError("SUPERSET_GITOPS_METADATA_DB is not set: start Superset with scripts/superset.sh")
    password = os.environ.get("SUPERSET_DB_PASSWORD") or "superset-metadata-pw-1"
    port = int(os.environ.get("PG_PORT") or 5433)
    return f"postgresql+psycopg2://superset:{quote(password, safe='')}@127.0.0.1:{port}/{database}"


SQLALCHEMY_DATABASE_URI = _metadata_uri()

# PREVENT_UNSAFE_DB_CONNECTIONS keeps Superset's default (True): SQLite and plain shillelagh
# databases are refused, as in production. The demo warehouse is PostgreSQL; the registry connector
# is its own `shillelagh+zookeeper` dialect, which the default allows.

# SSH tunnels to databases (off by default in Superset). The secrets tests connect to the warehouse
# PostgreSQL through scripts/sshd.sh. Superset's sshtunnel 0.4 needs paramiko < 4 (it uses DSSKey,
# which paramiko 4 removed), so the constraints pin paramiko 3.5.1.
# Alerts and reports (the `report` kind): Superset answers its /api/v1/report/ with 404 unless
# ALERT_REPORTS is on. The demo stores schedules only; running them needs Celery workers and beat,
# which the demo does not start.
FEATURE_FLAGS = {"SSH_TUNNELING": True, "ALERT_REPORTS": True}

# Owners and dashboard roles are named in YAML and written by id: the tool reads the ids from
# /api/v1/security/users/ and /roles/ (FAB's security API). Superset 6.1 turns it on by default;
# 5.0 and 4.1 do not (their config.py leaves FAB's default, off), so it is said here for every version.
FAB_ADD_SECURITY_API = True

# CSRF stays on, as in production: API writes need X-CSRFToken plus the session
# cookie from GET /api/v1/security/csrf_token/.
WTF_CSRF_ENABLED = True

# Plain HTTP on loopback: no Talisman security headers / HTTPS redirects.
TALISMAN_ENABLED = False

# No rate limiting locally (production enables it with SUPERSET_ENV=production).
RATELIMIT_ENABLED = False

SUPERSET_WEBSERVER_TIMEOUT = 120
# Talisman (and so CSP) is off on purpose above: silence the start-up warning about it.
CONTENT_SECURITY_POLICY_WARNING = False
