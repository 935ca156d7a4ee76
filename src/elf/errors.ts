/** ELF loading errors: solana-sbpf `ElfError` variants and texts (`elf.rs`, `elf_parser/mod.rs`). */
import { WebsvmError } from '../errors.js';

/** solana-sbpf `ElfError` variant names. */
export type ElfErrorKind =
  | 'FailedToParse'
  | 'EntrypointOutOfBounds'
  | 'InvalidEntrypoint'
  | 'FailedToGetSection'
  | 'UnresolvedSymbol'
  | 'SectionNotFound'
  | 'RelativeJumpOutOfBounds'
  | 'SymbolHashCollision'
  | 'WrongEndianess'
  | 'WrongAbi'
  | 'WrongMachine'
  | 'WrongClass'
  | 'NotOneTextSection'
  | 'WritableSectionNotSupported'
  | 'AddressOutsideLoadableSection'
  | 'InvalidVirtualAddress'
  | 'UnknownRelocation'
  | 'FailedToReadRelocationInfo'
  | 'WrongType'
  | 'UnknownSymbol'
  | 'ValueOutOfBounds'
  | 'UnsupportedSBPFVersion'
  | 'InvalidProgramHeader';

/** An ELF that cannot be loaded. */
export class ElfError extends WebsvmError<ElfErrorKind> {}

const PARSER_TEXT = {
  InvalidFileHeader: 'invalid file header',
  InvalidSectionHeader: 'invalid section header',
  InvalidString: 'invalid string',
  InvalidSize: 'invalid size',
  Overlap: 'values overlap',
  SectionNotInOrder: 'sections not in ascending order',
  NoSectionNameStringTable: 'no section name string table found',
  InvalidDynamicSectionTable: 'invalid dynamic section table',
  InvalidRelocationTable: 'invalid relocation table',
  InvalidAlignment: 'invalid alignment',
  NoStringTable: 'no string table',
  NoDynamicStringTable: 'no dynamic string table',
} as const;

/** An `ElfParserError` as the loader reports it (`From<ElfParserError> for ElfError`). */
export function parserError(kind: keyof typeof PARSER_TEXT | 'InvalidProgramHeader' | 'OutOfBounds'): ElfError {
  if (kind === 'InvalidProgramHeader') return new ElfError('InvalidProgramHeader', 'Invalid ELF program header');
  if (kind === 'OutOfBounds') return new ElfError('ValueOutOfBounds', 'Offset or value is out of bounds');
  return new ElfError('FailedToParse', `Failed to parse ELF file: ${PARSER_TEXT[kind]}`);
}

/** Shorthands for the loader's own variants. */
export const elfError = {
  valueOutOfBounds: () => new ElfError('ValueOutOfBounds', 'Offset or value is out of bounds'),
  sectionNotFound: (name: string) => new ElfError('SectionNotFound', `Section not found: ${name}`),
  unknownSymbol: (index: number) => new ElfError('UnknownSymbol', `Unknown symbol with index ${index}`),
  collision: (key: number) => new ElfError('SymbolHashCollision', `Symbol hash collision 0x${key.toString(16)}`),
};
