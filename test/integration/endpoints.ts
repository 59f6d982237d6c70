/** Where the integration tests find the services; the same variables the scripts read. */
export function serviceEndpoints() {
  const zkHost = process.env.ZK_HOST ?? '127.0.0.1';
  const zkPort = Number(process.env.ZK_PORT ?? 2181);
  const supersetPort = Number(process.env.SUPERSET_PORT ?? 8088);
  return {
    zkHost,
    zkPort,
    zkConnect: `${zkHost}:${zkPort}`,
    supersetUrl: process.env.SUPERSET_URL ?? `http://127.0.0.1:${supersetPort}`,
    supersetUser: process.env.SUPERSET_ADMIN_USER ?? 'admin',
    supersetPassword: process.env.SUPERSET_ADMIN_PASSWORD ?? 'admin',
    /** The warehouse PostgreSQL of scripts/postgres.sh (TCP from Superset, with a password). */
    pgHost: '127.0.0.1',
    pgPort: Number(process.env.PG_PORT ?? 5433),
  };
}
