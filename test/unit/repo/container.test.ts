// The Dockerfile and the Kubernetes example agree with each other and with the CLI: the user id, the
// health port and address, the probes, and only options `watch` has. (scripts/container/agent-check.sh
// builds the image and runs two agents from it against the live services; .ci/run calls it.)
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../../src/cli/main.js';
import type { Output } from '../../../src/cli/output.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const k8s = parse(fs.readFileSync(path.join(ROOT, 'scripts/container/watch-agent.k8s.yaml'), 'utf8')) as {
  kind: string;
  spec: {
    replicas: number;
    template: {
      spec: {
        securityContext: { runAsNonRoot: boolean; runAsUser: number };
        containers: {
          args: string[];
          envFrom: { secretRef?: { name: string } }[];
          env?: unknown[];
          ports: { name: string; containerPort: number }[];
          livenessProbe: { httpGet: { path: string; port: string } };
          readinessProbe: { httpGet: { path: string; port: string } };
        }[];
      };
    };
  };
};

/** Instructions of the Dockerfile, continuation lines joined. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((l) => l.trim() && !l.trim().startsWith('#'))
  .map((l) => {
    const [op, ...rest] = l.trim().split(/\s+/);
    return { op: op!.toUpperCase(), args: rest.join(' ') };
  });
const last = (op: string) => instructions.filter((i) => i.op === op).at(-1)?.args ?? '';

async function watchOptions(): Promise<string[]> {
  const r = { out: '', color: false, isTTY: false } as Output & { out: string };
  r.stdout = (t) => void (r.out += t);
  r.stderr = (t) => void (r.out += t);
  expect(await main(['watch', '--help'], r)).toBe(0);
  return [...r.out.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]);
}
const flagValue = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('Dockerfile', () => {
  it('builds in a builder stage and runs on the slim Node image as a user of its own', () => {
    const froms = instructions.filter((i) => i.op === 'FROM').map((i) => i.args);
    expect(froms).toEqual(['${BUILD_IMAGE} AS build', '${RUNTIME_IMAGE}']);
    expect(dockerfile).toMatch(/^ARG RUNTIME_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^ARG BUILD_IMAGE=node:20-bookworm$/m);
    expect(last('USER')).toBe('10001:10001');
    expect(dockerfile).toContain('useradd --system --uid 10001');
    // Only the built package leaves the builder: no compiler, no sources, no dev dependencies.
    expect(instructions.filter((i) => i.op === 'COPY' && i.args.startsWith('--from=build')).length).toBe(5);
    expect(dockerfile).toContain('npm prune --omit=dev');
  });

  it('checks its health on the port the default command serves, with options watch has', async () => {
    const cmd = JSON.parse(last('CMD')) as string[];
    expect(cmd[0]).toBe('watch');
    const options = await watchOptions();
    for (const flag of cmd.filter((a) => a.startsWith('--'))) expect(options).toContain(flag);
    const port = flagValue(cmd, '--health-port');
    expect(flagValue(cmd, '--health-host')).toBe('0.0.0.0');
    expect(last('HEALTHCHECK')).toContain(`http://127.0.0.1:${port}/health`);
    expect(last('EXPOSE')).toBe(port);
    expect(JSON.parse(last('ENTRYPOINT'))).toEqual(['superset-gitops']);
  });

  it('.dockerignore lets in exactly what the COPY instructions read', () => {
    const allowed = fs
      .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1).replace(/\/$/, ''))
      .sort();
    const copied = instructions
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
      .sort();
    expect(allowed).toEqual(copied);
    for (const file of copied) expect(fs.existsSync(path.join(ROOT, file)), file).toBe(true);
  });
});

describe('Kubernetes example', () => {
  const pod = k8s.spec.template.spec;
  const container = pod.containers[0]!;

  it('runs two replicas of the agent (leader election) as the image user, secrets from a Secret', () => {
    expect(k8s.kind).toBe('Deployment');
    expect(k8s.spec.replicas).toBe(2);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(container.envFrom).toEqual([{ secretRef: { name: 'superset-gitops' } }]);
    expect(container.env).toBeUndefined();
  });

  it('probes /health on the port the agent serves on every interface, with options watch has', async () => {
    const options = await watchOptions();
    expect(container.args[0]).toBe('watch');
    for (const flag of container.args.filter((a) => a.startsWith('--'))) expect(options).toContain(flag);
    const port = Number(flagValue(container.args, '--health-port'));
    expect(flagValue(container.args, '--health-host')).toBe('0.0.0.0');
    const named = container.ports.find((p) => p.containerPort === port);
    expect(named?.name).toBeDefined();
    for (const probe of [container.livenessProbe, container.readinessProbe])
      expect(probe.httpGet).toEqual({ path: '/health', port: named!.name });
  });
});
