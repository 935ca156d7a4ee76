/**
 * Base class of every error websvm throws on purpose. `kind` is the reference's variant name
 * (solana-sbpf `ElfError`, `VerifierError`, `EbpfError`; Agave `InstructionError` …) so that callers
 * can match on it; `message` is the reference's Display text.
 */
export class WebsvmError<K extends string = string> extends Error {
  /** Variant name as in the reference implementation, e.g. `WrongMachine`. */
  readonly kind: K;

  constructor(kind: K, message: string) {
    super(message);
    this.kind = kind;
    this.name = new.target.name;
  }
}
