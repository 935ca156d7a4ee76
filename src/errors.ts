/**
 * Base class of every error websvm throws. `kind` is a stable name callers match on: the
 * reference's variant name where there is one (solana-sbpf `ElfError`, `VerifierError`, `EbpfError`;
 * Agave `InstructionError` …), and `message` is the reference's Display text. `context` holds what
 * the error is about as typed fields (the argument refused and its value, the file, the variant …),
 * as @solana/kit's `SolanaError` does, so that callers need not read the message.
 */
export class WebsvmError<K extends string = string, C extends object = WebsvmErrorContext> extends Error {
  /** Stable name of the error, e.g. `WrongMachine` or `InvalidArgument`. */
  readonly kind: K;
  /** What the error is about, as typed fields; empty when the message says it all. */
  readonly context: C;

  constructor(kind: K, message: string, context?: C, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
    this.context = context ?? ({} as C);
    this.name = new.target.name;
  }
}

/** The context of an error whose kind is not known statically: named fields of any value. */
export type WebsvmErrorContext = Readonly<Record<string, unknown>>;

/** Whether `e` is a {@link WebsvmError} of kind `kind` (narrowing its type, as kit's `isSolanaError`). */
export function isWebsvmError<K extends string>(e: unknown, kind: K): e is WebsvmError<K> {
  return e instanceof WebsvmError && e.kind === kind;
}

/** A defect of websvm itself: a state its own code never reaches (kind `Internal`). */
export class InternalError extends WebsvmError<'Internal', { readonly what: string }> {
  constructor(what: string) {
    super('Internal', `websvm internal error: ${what}`, { what });
  }
}

/** Throws an {@link InternalError} unless `condition` holds: for invariants no input can break. */
export function assertInternal(condition: unknown, what: string): asserts condition {
  if (!condition) throw new InternalError(what);
}
