import { writeFileSync, renameSync } from 'node:fs';
import { createServer, type Server } from 'node:http';

export interface HealthState {
  agent: string;
  environment: string;
  pid: number;
  leader: boolean;
  state: 'starting' | 'running' | 'recovering' | 'stopping';
  startedAt: string;
  lastPollAt: string | null;
  /** The last full drift check (leader start, registry changes, after a heal). */
  lastCheckAt: string | null;
  lastZkEventAt: string | null;
  polls: number;
  findings: number;
  sessionRebuilds: number;
}

/** Health as a file (written atomically) and, if asked, on an HTTP port: `GET /health` -> JSON. */
export class Health {
  private server: Server | undefined;

  constructor(
    private readonly state: () => HealthState,
    private readonly file?: string,
  ) {}

  write(): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state(), null, 2) + '\n');
    renameSync(tmp, this.file);
  }

  /** Serves on host:port (127.0.0.1 unless asked; 0.0.0.0 in a container, for the kubelet's probes). */
  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    this.server = createServer((req, res) => {
      const ok = req.url === '/health' || req.url === '/';
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
      res.end(ok ? JSON.stringify(this.state()) : '{"error":"not found"}');
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
