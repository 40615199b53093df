/** Flag parsing for the CLI on top of node:util's parseArgs, with errors that list the valid choices. */
import { parseArgs } from 'node:util';

export interface FlagSpec {
  type: 'string' | 'boolean';
  help: string;
  /** Shown in help; applied by the command. */
  default?: string | boolean;
  choices?: readonly string[];
  short?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

/** A usage error: main prints it with the command's help and exits with status 2. */
export class UsageError extends Error {}

export interface Parsed {
  flags: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** A value that parseArgs would take for an option because it starts with a dash: a negative number. */
const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity\b)/;

/**
 * `--epochs -1` as `--epochs=-1`: parseArgs calls a value that starts with a dash "ambiguous", which hides the
 * real complaint (a negative count); joined, the value reaches the flag's own check and its message.
 */
function joinNegativeValues(argv: readonly string[], specs: FlagSpecs): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : Object.keys(specs).find((k) => specs[k].short && argv[i] === `-${specs[k].short}`);
    if (name && specs[name]?.type === 'string' && i + 1 < argv.length && NEGATIVE_NUMBER.test(argv[i + 1])) {
      out.push(`--${name}=${argv[++i]}`);
    } else out.push(argv[i]);
  }
  return out;
}

export function parseFlags(command: string, argv: readonly string[], specs: FlagSpecs, maxPositionals: number): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, specs),
      options: Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, { type: s.type, ...(s.short ? { short: s.short } : {}) }])),
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    const e = err as Error & { code?: string };
    const valid = Object.keys(specs).map((k) => `--${k}`).join(', ');
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(e.message)?.[1] ?? e.message;
      throw new UsageError(`convkit ${command}: unknown option ${flag}; valid options: ${valid}`);
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`convkit ${command}: ${e.message.replace(/^Option '([^']+)'.*argument missing/, "option '$1' needs a value")}`);
    throw new UsageError(`convkit ${command}: ${e.message}`);
  }
  const flags = parsed.values as Record<string, string | boolean | undefined>;
  for (const [k, s] of Object.entries(specs)) {
    const v = flags[k];
    if (s.choices && typeof v === 'string' && !s.choices.includes(v)) {
      throw new UsageError(`convkit ${command}: --${k} must be one of ${s.choices.join(', ')}, got '${v}'`);
    }
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`convkit ${command}: unexpected argument '${parsed.positionals[maxPositionals]}'`);
  }
  return { flags, positionals: parsed.positionals };
}

/** A numeric flag, checked: `what` says which numbers are allowed. */
export function numberFlag(command: string, name: string, value: string | boolean | undefined, fallback: number, check: (n: number) => boolean = Number.isFinite, what = 'a number'): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!check(n)) throw new UsageError(`convkit ${command}: --${name} must be ${what}, got '${String(value)}'`);
  return n;
}

export const positiveInt = (n: number): boolean => Number.isInteger(n) && n > 0;
export const nonNegative = (n: number): boolean => Number.isFinite(n) && n >= 0;

export function helpText(usage: string, description: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([k, s]) => {
    const name = `--${k}${s.type === 'string' ? ' VALUE' : ''}`;
    const extra = [s.choices ? `one of ${s.choices.join('|')}` : '', s.default !== undefined && s.default !== false ? `default ${s.default}` : ''].filter(Boolean).join('; ');
    return `  ${name.padEnd(24)} ${s.help}${extra ? ` (${extra})` : ''}`;
  });
  return `usage: ${usage}\n\n${description}\n\noptions:\n${rows.join('\n')}\n`;
}
