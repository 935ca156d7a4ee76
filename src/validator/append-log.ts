/**
 * An append-only file of framed entries, each `u32 length | u32 CRC-32 | body` (little-endian).
 * An append is written before it returns, so a killed process loses nothing appended; `durable()`
 * waits for an fdatasync covering every append so far, and one fdatasync serves every caller
 * waiting at the time (group commit), so the disk flush is paid once per batch, not per entry.
 * Reading stops at the first frame that is cut short or damaged: the tail a crash tore.
 */
import { closeSync, fdatasync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { crc32 } from '../crypto/crc32.js';
import { decodeOrUndefined, encode, layout, u32 } from '../runtime/codec.js';

/** What precedes each entry's body. */
const FRAME_HEADER = layout({ length: u32, crc: u32 });
const syncFile = promisify(fdatasync);

/** The bodies of the whole frames at the start of `bytes`, up to the first torn or damaged one. */
export function readFrames(bytes: Uint8Array): Uint8Array[] {
  const bodies: Uint8Array[] = [];
  for (let at = 0; ;) {
    const header = decodeOrUndefined(FRAME_HEADER, bytes.subarray(at));
    if (!header) break;
    const start = at + FRAME_HEADER.fixedSize;
    const end = start + header.length;
    if (end > bytes.length) break;
    const body = bytes.subarray(start, end);
    if (crc32(body) !== header.crc) break;
    bodies.push(body);
    at = end;
  }
  return bodies;
}

/** `body` framed for the log. */
export function frame(body: Uint8Array): Uint8Array {
  const out = encode(FRAME_HEADER, { length: body.length, crc: crc32(body) }, FRAME_HEADER.fixedSize + body.length);
  out.set(body, FRAME_HEADER.fixedSize);
  return out;
}

/** The frame bodies a log file holds (none when it does not exist). */
export function readLog(path: string): Uint8Array[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return readFrames(bytes);
}

/** A log file open for appending. */
export class AppendLog {
  private readonly fd: number;
  /** Appends made, and how many of them a finished fdatasync covers. */
  private appended = 0;
  private synced = 0;
  private syncing: Promise<void> | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  /** Writes one entry (the kernel holds it once this returns). */
  append(body: Uint8Array): void {
    const bytes = frame(body);
    for (let at = 0; at < bytes.length;) at += writeSync(this.fd, bytes, at);
    this.appended++;
  }

  /** Resolves once every entry appended so far is on disk. */
  async durable(): Promise<void> {
    const target = this.appended;
    while (this.synced < target) {
      if (!this.syncing) {
        const covers = this.appended;
        this.syncing = syncFile(this.fd).then(() => {
          this.synced = covers;
          this.syncing = undefined;
        });
      }
      await this.syncing;
    }
  }

  /** Flushes what is left and closes the file. */
  async close(): Promise<void> {
    await this.syncing;
    if (this.synced < this.appended) fdatasyncSync(this.fd);
    closeSync(this.fd);
  }
}
