#!/usr/bin/env node
/**
 * brn: the kit's command line. The commands and options are described once,
 * in `cli/help.ts`; this file parses, dispatches and turns outcomes into exit
 * codes: 0 success, 1 a failure, 2 a usage error, 130 interrupted.
 */
import { parseArgs, UsageError, type Parsed } from './cli/args';
import { COMMANDS, commandHelp, globalHelp } from './cli/help';

export { parseArgs } from './cli/args';

async function main(argv: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return usageError(err);
  }
  const { command, flags } = parsed;
  if (command === '' || command === 'help') {
    const known = parsed.positional[0];
    if (command === 'help' && known !== undefined && COMMANDS[known] !== undefined) console.log(commandHelp(known));
    else if (flags.help === true || command === 'help') console.log(globalHelp());
    else {
      console.error(globalHelp());
      return 2;
    }
    return 0;
  }
  if (COMMANDS[command] === undefined) {
    return usageError(
      new UsageError(`unknown command '${command}': expected one of ${Object.keys(COMMANDS).join(', ')}`),
    );
  }
  if (flags.help === true) {
    console.log(commandHelp(command));
    return 0;
  }
  try {
    const { runCommand } = await import('./cli/commands.js');
    return await runCommand(parsed);
  } catch (err) {
    if (err instanceof UsageError) return usageError(err);
    throw err;
  }
}

function usageError(err: UsageError): number {
  const help = err.command ? `brn ${err.command} --help` : 'brn --help';
  console.error(`brn: ${err.message}\nSee '${help}'.`);
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`brn: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
