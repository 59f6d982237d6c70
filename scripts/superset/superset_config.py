# Superset configuration for the local demo/test instance started by scripts/superset.sh.
#
# State lives in $SUPERSET_GITOPS_HOME (default: <repo>/.run/superset, git-ignored):
#   secret_key   generated once (secrets.token_urlsafe(48)), never committed
#   superset.db  SQLite metadata database
# Loaded by Superset through SUPERSET_CONFIG_PATH; values not set here keep
# Superset's defaults.
import os
import secrets
from pathlib import Path

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

SQLALCHEMY_DATABASE_URI = f"sqlite:///{_HOME / 'superset.db'}"
# Wait for SQLite's write lock instead of failing at once with "database is locked"
# when several API writes arrive together (2 workers x 4 threads).
SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 30}}

# Demo only: lets Superset connect to the SQLite demo warehouse (.run/demo/warehouse.db).
# Production keeps the default (True), which refuses SQLite data sources.
PREVENT_UNSAFE_DB_CONNECTIONS = False

# SSH tunnels to databases (off by default in Superset). The secrets tests connect to the warehouse
# PostgreSQL through scripts/sshd.sh. Superset's sshtunnel 0.4 needs paramiko < 4 (it uses DSSKey,
# which paramiko 4 removed), so the constraints pin paramiko 3.5.1.
FEATURE_FLAGS = {"SSH_TUNNELING": True}

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
