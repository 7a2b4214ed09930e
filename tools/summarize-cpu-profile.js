// Summarizes V8 .cpuprofile files (node --cpu-prof) as text: where a process's CPU time went, by
// area (our code, grpc-js, pg, TypeORM, protobuf, node internals, idle, GC) and by function, self
// time. Used to profile the data service under the bench's load (bench/README.md, "Profiles").
//   node tools/summarize-cpu-profile.js FILE.cpuprofile... [--top N] [--from FILE_PART]
// --from grpc/rpc-handlers.js starts counting at the first sample whose stack runs that file (the first
// call served), leaving the process's start-up (module loading, migrations) out.
const { readFileSync } = require('node:fs');

// First match wins: a path names the library it belongs to.
const AREAS = [
  ['(idle)', (node) => node.callFrame.functionName === '(idle)'],
  ['(garbage collector)', (node) => node.callFrame.functionName === '(garbage collector)'],
  ['(program: native, outside JS)', (node) => node.callFrame.functionName === '(program)'],
  ['@grpc/grpc-js', (node) => /node_modules\/@grpc\//.test(node.callFrame.url)],
  ['typeorm', (node) => /node_modules\/typeorm\//.test(node.callFrame.url)],
  ['pg (node-postgres)', (node) => /node_modules\/(pg|pg-pool|pg-protocol|pg-types|postgres-[a-z]+)\//.test(node.callFrame.url)],
  ['protobufjs (generated codecs)', (node) => /node_modules\/protobufjs\/|libs\/contract\//.test(node.callFrame.url)],
  ['other node_modules', (node) => /node_modules\//.test(node.callFrame.url)],
  ['data service and libs', (node) => /\/(apps|libs)\//.test(node.callFrame.url)],
  ['node internals (http2, net, streams, timers...)', (node) => /^node:/.test(node.callFrame.url) || node.callFrame.url === ''],
  ['other', () => true],
];

function summarize(path, top, from) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const runs = (id, part) => {
    for (let at = id; at !== undefined; at = parentOf.get(at)) if (byId.get(at).callFrame.url.includes(part)) return true;
    return false;
  };
  const selfMicros = new Map();
  const deltas = profile.timeDeltas;
  let counting = !from;
  profile.samples.forEach((id, index) => {
    counting ||= runs(id, from);
    if (counting) selfMicros.set(id, (selfMicros.get(id) ?? 0) + (deltas[index] ?? 0));
  });
  const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);
  const areas = new Map();
  const functions = new Map();
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id);
    const [area] = AREAS.find(([, test]) => test(node));
    areas.set(area, (areas.get(area) ?? 0) + micros);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*?\/(node_modules\/|apps\/|libs\/)/, '$1')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + micros);
  }
  const busy = total - (areas.get('(idle)') ?? 0);
  const line = (name, micros) => `${(micros / 1000).toFixed(0).padStart(8)} ms ${((100 * micros) / total).toFixed(1).padStart(5)} % of all ${((100 * micros) / busy).toFixed(1).padStart(5)} % of busy  ${name}`;
  const out = [`${path}${from ? ` from the first sample running ${from}` : ''}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy`, '', 'by area (self time)'];
  for (const [name, micros] of [...areas].sort((a, b) => b[1] - a[1])) out.push(line(name, micros));
  out.push('', `top ${top} functions (self time)`);
  for (const [name, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(line(name, micros));
  return out.join('\n');
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 30;
const fromAt = args.indexOf('--from');
const from = fromAt >= 0 ? args.splice(fromAt, 2)[1] : undefined;
if (args.length === 0) {
  console.error('usage: node tools/summarize-cpu-profile.js FILE.cpuprofile... [--top N] [--from FILE_PART]');
  process.exit(2);
}
console.log(args.map((path) => summarize(path, top, from)).join('\n\n'));
