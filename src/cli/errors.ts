/**
 * The two ways a `websvm` command fails before or around its work, by exit code: the command line
 * itself is wrong (2), or a file it names cannot be used (1, like a program that fails).
 */
import { WebsvmError } from '../errors.js';

/** Exit code of a successful command. */
export const EXIT_OK = 0;
/** Exit code when the program failed or an input (file, fixture, ELF, object) could not be used. */
export const EXIT_FAILURE = 1;
/** Exit code when the command line is wrong: unknown command or option, missing or malformed argument. */
export const EXIT_USAGE = 2;

/** The command line cannot be understood (exit code {@link EXIT_USAGE}). */
export class UsageError extends WebsvmError<'UsageError'> {
  constructor(message: string) {
    super('UsageError', message);
  }
}

/** A file the command reads or writes cannot be used: missing, unreadable, not an ELF … */
export class FileError extends WebsvmError<'FileError'> {
  constructor(message: string) {
    super('FileError', message);
  }
}
