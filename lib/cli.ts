import { isPulseError } from './errors.ts';

/**
 * Runs a CLI's main function: a PulseError (missing file, bad model, bad flag) prints one
 * clear line on stderr and exits 1; anything else is a bug and prints its stack.
 */
export function runCli(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (isPulseError(err)) console.error(`error [${err.code}]: ${err.message}`);
    else console.error(err);
    process.exit(1);
  });
}
