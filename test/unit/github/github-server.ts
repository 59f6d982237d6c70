// A node:http server that answers the few GitHub REST endpoints the workflows use, keeps what was
// written in memory, and records every request, so the tests can see exactly what was called. It
// stands in for api.github.com, which is not reachable here; the client under test is the real one.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization: string | undefined;
}

interface StoredComment {
  id: number;
  issue: number;
  body: string;
  user: string;
}

interface StoredIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  pull_request?: boolean;
}

export interface StoredPull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
}

export interface FakeGitHub {
  url: string;
  requests: Recorded[];
  comments: StoredComment[];
  issues: StoredIssue[];
  pulls: StoredPull[];
  labels: Set<string>;
  /** Writes answer 403 as for a fork's read-only token. */
  readOnly: boolean;
  /** Adds a comment as if someone else wrote it. */
  seedComment(issue: number, body: string, user?: string): StoredComment;
  seedIssue(issue: Partial<StoredIssue> & { title: string }): StoredIssue;
  /** Requests other than reads (GET). */
  writes(): string[];
  close(): Promise<void>;
}

const BOT = 'github-actions[bot]';

export async function startFakeGitHub(owner = 'acme', repo = 'analytics'): Promise<FakeGitHub> {
  let nextId = 1000;
  let base = '';
  const state: FakeGitHub = {
    url: '',
    requests: [],
    comments: [],
    issues: [],
    pulls: [],
    labels: new Set(),
    readOnly: false,
    seedComment(issue, body, user = 'someone') {
      const c = { id: nextId++, issue, body, user };
      state.comments.push(c);
      return c;
    },
    seedIssue(issue) {
      const stored: StoredIssue = {
        number: state.issues.length + 1,
        body: '',
        state: 'open',
        state_reason: null,
        labels: [],
        ...issue,
      };
      state.issues.push(stored);
      return stored;
    },
    writes: () => state.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const prefix = `/repos/${owner}/${repo}`;
  const commentJson = (c: StoredComment) => ({
    id: c.id,
    body: c.body,
    user: { login: c.user },
    html_url: `https://github.example/${owner}/${repo}/pull/${c.issue}#issuecomment-${c.id}`,
  });
  const issueJson = (i: StoredIssue) => ({
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason,
    labels: i.labels.map((name) => ({ name })),
    html_url: `https://github.example/${owner}/${repo}/issues/${i.number}`,
    ...(i.pull_request ? { pull_request: { url: 'x' } } : {}),
  });

  const pullJson = (p: StoredPull) => ({
    number: p.number,
    title: p.title,
    body: p.body,
    state: p.state,
    html_url: `https://github.example/${owner}/${repo}/pull/${p.number}`,
    head: { ref: p.head, label: `${owner}:${p.head}` },
    base: { ref: p.base },
  });

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      const body: unknown = raw ? JSON.parse(raw) : undefined;
      const input = (body ?? {}) as Record<string, unknown>;
      state.requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        body,
        authorization: req.headers.authorization,
      });
      const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(payload === undefined ? '' : JSON.stringify(payload));
      };
      const page = <T>(items: T[]) => {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const n = Number(url.searchParams.get('page') ?? 1);
        const slice = items.slice((n - 1) * perPage, n * perPage);
        const headers: Record<string, string> = {};
        if (n * perPage < items.length) {
          const next = new URL(url);
          next.searchParams.set('page', String(n + 1));
          headers.link = `<${next.toString()}>; rel="next"`;
        }
        return { slice, headers };
      };
      if (req.headers.authorization !== 'token test-token') return send(401, { message: 'Bad credentials' });
      if (state.readOnly && req.method !== 'GET')
        return send(403, { message: 'Resource not accessible by integration' });
      if (!url.pathname.startsWith(prefix + '/')) return send(404, { message: 'Not Found' });
      const route = `${req.method} ${url.pathname.slice(prefix.length)}`;
      let m: RegExpMatchArray | null;

      if ((m = route.match(/^GET \/issues\/(\d+)\/comments$/))) {
        const { slice, headers } = page(state.comments.filter((c) => c.issue === Number(m![1])));
        return send(200, slice.map(commentJson), headers);
      }
      if ((m = route.match(/^POST \/issues\/(\d+)\/comments$/))) {
        const c = { id: nextId++, issue: Number(m[1]), body: String(input.body), user: BOT };
        state.comments.push(c);
        return send(201, commentJson(c));
      }
      if ((m = route.match(/^(PATCH|DELETE) \/issues\/comments\/(\d+)$/))) {
        const c = state.comments.find((x) => x.id === Number(m![2]));
        if (!c) return send(404, { message: 'Not Found' });
        if (m[1] === 'DELETE') {
          state.comments.splice(state.comments.indexOf(c), 1);
          return send(204);
        }
        c.body = String(input.body);
        return send(200, commentJson(c));
      }
      if (route === 'GET /issues') {
        const wanted = url.searchParams.get('labels')?.split(',') ?? [];
        const stateFilter = url.searchParams.get('state') ?? 'open';
        const matching = state.issues.filter(
          (i) =>
            (stateFilter === 'all' || i.state === stateFilter) && wanted.every((l) => i.labels.includes(l)),
        );
        const { slice, headers } = page(matching);
        return send(200, slice.map(issueJson), headers);
      }
      if (route === 'POST /issues') {
        const labels = (input.labels as string[] | undefined) ?? [];
        // GitHub answers 422 for a label the repository does not have when the caller may not create it.
        if (labels.some((l) => !state.labels.has(l))) return send(422, { message: 'Validation Failed' });
        const issue = state.seedIssue({ title: String(input.title), body: String(input.body), labels });
        return send(201, issueJson(issue));
      }
      if ((m = route.match(/^PATCH \/issues\/(\d+)$/))) {
        const issue = state.issues.find((i) => i.number === Number(m![1]));
        if (!issue) return send(404, { message: 'Not Found' });
        if (typeof input.body === 'string') issue.body = input.body;
        if (input.state === 'open' || input.state === 'closed') issue.state = input.state;
        if (typeof input.state_reason === 'string') issue.state_reason = input.state_reason;
        return send(200, issueJson(issue));
      }
      if (route === 'GET /pulls') {
        const head = url.searchParams.get('head');
        const wanted = url.searchParams.get('state') ?? 'open';
        const matching = state.pulls.filter(
          (p) => (wanted === 'all' || p.state === wanted) && (!head || `${owner}:${p.head}` === head),
        );
        return send(200, page(matching).slice.map(pullJson), page(matching).headers);
      }
      if (route === 'POST /pulls') {
        const head = String(input.head);
        if (state.pulls.some((p) => p.state === 'open' && p.head === head))
          return send(422, { message: `A pull request already exists for ${owner}:${head}.` });
        const pull: StoredPull = {
          number: state.issues.length + state.pulls.length + 1,
          title: String(input.title),
          body: typeof input.body === 'string' ? input.body : '',
          head,
          base: String(input.base),
          state: 'open',
        };
        state.pulls.push(pull);
        return send(201, pullJson(pull));
      }
      if ((m = route.match(/^PATCH \/pulls\/(\d+)$/))) {
        const pull = state.pulls.find((p) => p.number === Number(m![1]));
        if (!pull) return send(404, { message: 'Not Found' });
        if (typeof input.title === 'string') pull.title = input.title;
        if (typeof input.body === 'string') pull.body = input.body;
        if (input.state === 'open' || input.state === 'closed') pull.state = input.state;
        return send(200, pullJson(pull));
      }
      if ((m = route.match(/^GET \/labels\/(.+)$/))) {
        const name = decodeURIComponent(m[1]!);
        return state.labels.has(name) ? send(200, { name }) : send(404, { message: 'Not Found' });
      }
      if (route === 'POST /labels') {
        state.labels.add(String(input.name));
        return send(201, { name: input.name, color: input.color });
      }
      return send(404, { message: `no route ${route}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.url = base;
  return state;
}
