// bench/validate: generates a metadata tree of N object files (default 10,000) in a temp dir, validates it
// the way `superset-gitops validate` does, and prints files/s and peak memory.
// Run: npx tsx bench/validate.ts [N]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadMetadata } from '../src/engine/load-metadata.js';

const total = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(path.join(tmpdir(), 'sg-bench-validate-'));
const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
};

// Mix of kinds close to a real tree: 1 env, 10 databases, 15% datasets, 80% charts, the rest dashboards.
write(
  'environments/bench.yaml',
  'kind: environment\nname: bench\nsuperset:\n  url: http://127.0.0.1:8088\n  username: ${env.U}\n  password: ${env.P}\nzookeeper:\n  connect: 127.0.0.1:2181\n  root: /bench\nvariables:\n  host: db\n',
);
const databases = 10;
const datasets = Math.floor(total * 0.15);
const dashboards = Math.floor(total * 0.05);
const charts = total - 1 - databases - datasets - dashboards;
for (let i = 0; i < databases; i++)
  write(
    `databases/db${i}.yaml`,
    `kind: database\nname: db${i}\nsqlalchemy_uri: postgresql://reader@\${var.host}/db${i}\npassword: \${env.DB_PASSWORD}\n`,
  );
for (let i = 0; i < datasets; i++) {
  write(
    `datasets/db${i % databases}/table${i}.yaml`,
    `kind: dataset\nname: table${i}\ndatabase: db${i % databases}\nschema: public\ndescription: Table number ${i}\ncolumns:\n  - name: id\n  - name: created_at\n    is_dttm: true\n  - name: region\n    verbose_name: Region\n  - name: amount\nmetrics:\n  - name: revenue\n    expression: SUM(amount)\n    d3format: $,.0f\n`,
  );
}
for (let i = 0; i < charts; i++) {
  write(
    `charts/group${i % 50}/chart${i}.yaml`,
    `kind: chart\nname: Chart ${i}\ndataset: table${i % datasets}\nviz_type: echarts_timeseries_bar\nparams:\n  x_axis: created_at\n  time_grain_sqla: P1D\n  metrics: [revenue]\n  groupby: [region]\n  row_limit: 10000\n  time_range: Last quarter\n`,
  );
}
for (let i = 0; i < dashboards; i++) {
  const placed = Array.from(
    { length: 8 },
    (_, k) => `      - chart: Chart ${(i * 8 + k) % charts}\n        width: 3\n`,
  );
  write(
    `dashboards/dash${i}.yaml`,
    `kind: dashboard\nname: dash${i}\ntitle: Dashboard ${i}\nslug: dash-${i}\nlayout:\n  - row:\n${placed.slice(0, 4).join('')}  - row:\n${placed.slice(4).join('')}`,
  );
}

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
const started = performance.now();
const result = await loadMetadata(dir, dir);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
rmSync(dir, { recursive: true, force: true });

const errors = result.problems.filter((p) => p.severity === 'error');
console.log(`files:        ${result.fileCount} (${total - 1} objects and 1 environment)`);
console.log(
  `problems:     ${errors.length}${errors[0] ? ` (first: ${errors[0].file}:${errors[0].line} ${errors[0].message})` : ''}`,
);
console.log(`time:         ${seconds.toFixed(2)} s`);
console.log(`files/s:      ${Math.round(result.fileCount / seconds)}`);
console.log(`peak RSS:     ${(peak / 1024 / 1024).toFixed(0)} MB`);
console.log(
  `target:       < 3 s and < 300 MB -> ${seconds < 3 && peak < 300 * 1024 * 1024 ? 'met' : 'NOT met'}`,
);
if (errors.length) process.exitCode = 1;
