/**
 * The brn command line's grammar: a command, its positional arguments, and
 * options (`--name value`, `--name=value`, booleans without a value). Every
 * mistake is a `UsageError`: a short message naming the bad value and the
 * expected form, and the command whose `--help` explains it (exit code 2).
 */
import { parseArgs as parseNodeArgs } from 'node:util';

/** A mistake in how brn was called: exit code 2, a short message, a pointer to the command's help. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command: string | null = null,
  ) {
    super(message);
  }
}

/** Every option, and whether it takes a value; which commands accept which is `COMMANDS[...].options`. */
export const OPTIONS = {
  quick: { type: 'boolean' },
  confirmatory: { type: 'boolean' },
  readme: { type: 'boolean' },
  sweeps: { type: 'boolean' },
  cnn: { type: 'boolean' },
  help: { type: 'boolean' },
  slurm: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  seeds: { type: 'string' },
  jobs: { type: 'string' },
  backend: { type: 'string' },
  'data-dir': { type: 'string' },
  dataset: { type: 'string' },
  architecture: { type: 'string' },
  variant: { type: 'string', multiple: true },
  steps: { type: 'string' },
  'runs-dir': { type: 'string' },
  'results-dir': { type: 'string' },
  'figures-dir': { type: 'string' },
  partition: { type: 'string' },
  time: { type: 'string' },
  'max-parallel': { type: 'string' },
} as const;

export type OptionName = keyof typeof OPTIONS;
export type Flags = Partial<Record<OptionName, string | boolean | string[]>>;

export interface Parsed {
  command: string;
  positional: string[];
  flags: Flags;
}

const takesValue = (name: string) => OPTIONS[name as OptionName]?.type === 'string';

/**
 * The command, its positional arguments and its options. A value that starts
 * with '-' is still the option's value (`--seeds -3` is a bad seed count, not
 * an unknown option), unless it is one of the options (`--seeds --quick`
 * lacks its value), and Node's own parser messages never reach the user.
 */
export function parseArgs(argv: string[]): Parsed {
  const command = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : null;
  const rest = command === null ? argv : argv.slice(1);
  const joined: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : null;
    if (name !== null && takesValue(name)) {
      if (i + 1 >= rest.length) throw new UsageError(`--${name} needs a value`, command);
      const next = rest[i + 1];
      if (next.startsWith('--') && next.slice(2).split('=')[0] in OPTIONS) {
        throw new UsageError(`--${name} needs a value, got the option '${next}'`, command);
      }
      joined.push(`--${name}=${rest[++i]}`);
    } else {
      joined.push(a);
    }
  }
  for (const a of joined) {
    if (!a.startsWith('-')) continue;
    const name = a.replace(/^-+/, '').split('=')[0];
    if (!(name in OPTIONS)) throw new UsageError(`unknown option '${a.split('=')[0]}'`, command);
    if (a.includes('=') && !takesValue(name)) throw new UsageError(`--${name} takes no value, got '${a}'`, command);
    if (!a.startsWith('--')) throw new UsageError(`options take two dashes: '-${a.replace(/^-+/, '-')}'`, command);
  }
  const parsed = parseNodeArgs({ args: joined, options: OPTIONS, allowPositionals: true, strict: true });
  return { command: command ?? '', positional: parsed.positionals, flags: { ...parsed.values } as Flags };
}

/** Throws a usage error naming the first option the command does not take. */
export function expectFlags(parsed: Parsed, allowed: readonly OptionName[]): void {
  for (const name of Object.keys(parsed.flags)) {
    if (name !== 'help' && !(allowed as readonly string[]).includes(name)) {
      throw new UsageError(`--${name} does not apply to 'brn ${parsed.command}'`, parsed.command);
    }
  }
}

/** A positive integer option, or undefined; anything else is a usage error naming the value. */
export function intFlag(flags: Flags, name: OptionName, command: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${name} must be a positive integer, got '${v}'`, command);
  }
  return n;
}

export function strFlag(flags: Flags, name: OptionName): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable option's values, commas splitting each (`--variant bn,brn --variant gn`). */
export function listFlag(flags: Flags, name: OptionName): string[] | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const values = (Array.isArray(v) ? v : [String(v)]).flatMap((x) => x.split(',')).map((x) => x.trim());
  return values.filter((x) => x !== '');
}
