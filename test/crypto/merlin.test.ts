/** Merlin transcripts: the merlin crate's own test vector. */
import { describe, expect, it } from 'vitest';
import { MerlinTranscript } from '../../src/crypto/merlin.js';

describe('Merlin transcript', () => {
  it('draws the challenge of the merlin crate test vector', () => {
    const t = new MerlinTranscript('test protocol');
    t.appendMessage('some label', new TextEncoder().encode('some data'));
    expect(Buffer.from(t.challengeBytes('challenge', 32)).toString('hex')).toBe('d5a21972d0d5fe320c0d263fac7fffb8145aa640af6e9bca177c03c7efcf0615');
  });
});
