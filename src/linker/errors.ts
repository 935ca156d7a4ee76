/** The linker's error type. */
import { WebsvmError } from '../errors.js';

/** Why a link failed. */
export class LinkError extends WebsvmError<
  'BadObject' | 'WritableSection' | 'UndefinedSymbol' | 'DuplicateSymbol' | 'UnsupportedRelocation' | 'NoEntrypoint' | 'UnloadableDebugSection'
> {}
