/**
 * The plugins' own micro-benchmarks, one per fresh child process (bench/run-all.ts spawns
 * `node --import tsx bench/plugin-benches.ts <name>`), so each one's peak RSS is its own and a
 * crash or a hang stops only that one: item analysis (1000 × 100), Open Badge signing (200),
 * certificate PDFs (300) and a bare pdfkit page (300). A module that does not exist yet is
 * reported as skipped. Prints one JSON line: { ok: true, ... } or { ok: false, error }.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type PluginBenchOutcome = ({ ok: true; maxRssMb: number } & Record<string, unknown>) | { ok: false; error: string; skipped?: boolean };

export const PLUGIN_BENCHES = {
  'item-analysis': { file: '../plugins/report-item-analysis/bench-item-analysis.ts', fn: 'benchItemAnalysis', arg: undefined },
  signing: { file: '../plugins/certificate-openbadges/bench-credential.ts', fn: 'benchSigning', arg: 200 },
  'pdf-cert': { file: '../plugins/certificate-pdf/bench-pdf.ts', fn: 'benchPdf', arg: 300 },
  'pdf-bare': { file: '../plugins/certificate-pdf/bench-pdf.ts', fn: 'benchBarePdfkit', arg: 300 },
  'bulk-issue': { file: './certificate-bulk-issue.ts', fn: 'benchBulkIssue', arg: 1000 },
  'exam-start': { file: './exam-start.ts', fn: 'benchExamStart', arg: 500 },
  'exam-autosave': { file: './exam-autosave.ts', fn: 'benchExamAutosave', arg: 1000 },
} as const;

export type PluginBenchName = keyof typeof PLUGIN_BENCHES;

async function run(name: PluginBenchName): Promise<PluginBenchOutcome> {
  const spec = PLUGIN_BENCHES[name];
  const path = fileURLToPath(new URL(spec.file, import.meta.url));
  if (!existsSync(path)) return { ok: false, skipped: true, error: `${spec.file.replace('../', '')} does not exist` };
  try {
    const mod = (await import(path)) as Record<string, unknown>;
    const fn = mod[spec.fn];
    if (typeof fn !== 'function') throw new Error(`${spec.fn}() is not exported by ${spec.file.replace('../', '')}`);
    const result = (await (spec.arg === undefined ? fn() : fn(spec.arg))) as Record<string, unknown>;
    // The process's true peak (the kernel keeps it), next to any figure the bench reports itself.
    return { ok: true, ...result, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const name = process.argv[2] as PluginBenchName;
  if (!(name in PLUGIN_BENCHES)) {
    process.stderr.write(`plugin-benches: unknown bench '${name}' (one of ${Object.keys(PLUGIN_BENCHES).join(', ')})\n`);
    process.exit(2);
  }
  const outcome = await run(name);
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
  // Some libraries keep handles open; the result is out, so end here.
  process.exit(0);
}
