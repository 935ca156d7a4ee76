/** The error type of reading debug information. */
import { WebsvmError } from '../errors.js';

/** Debug information that cannot be read: a malformed ELF container or malformed DWARF. */
export class DebugInfoError extends WebsvmError<'MalformedElf' | 'MalformedDwarf'> {}

/** A {@link DebugInfoError} of kind `MalformedDwarf`. */
export const malformed = (section: string, why: string): DebugInfoError => new DebugInfoError('MalformedDwarf', `${section}: ${why}`);
