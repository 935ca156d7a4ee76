/**
 * `npm run sync:litesvm`: after installing a new `litesvm` release, regenerates
 * src/runtime/litesvm-release.ts from it, states the matched versions in the README and prints
 * what changed. Then run the tests: every difference they show is behaviour to implement.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describeChanges, readLiteSvmRelease, renderLiteSvmRelease, type LiteSvmRelease } from './litesvm-release.js';

const generated = new URL('../src/runtime/litesvm-release.ts', import.meta.url);
const readme = new URL('../README.md', import.meta.url);

const previous: Partial<LiteSvmRelease> = existsSync(generated) ? ((await import(generated.href)) as LiteSvmRelease) : {};
const release = readLiteSvmRelease();
writeFileSync(generated, renderLiteSvmRelease(release));

const statement = /websvm matches LiteSVM \S+ \(Agave \S+\)/;
const text = readFileSync(readme, 'utf8');
if (!statement.test(text)) throw new Error('README.md lost its "websvm matches LiteSVM <version> (Agave <version>)" sentence');
writeFileSync(readme, text.replace(statement, `websvm matches LiteSVM ${release.LITESVM_VERSION} (Agave ${release.AGAVE_VERSION})`));

const changes = describeChanges(previous, release);
console.log(
  `litesvm ${release.LITESVM_VERSION} (Agave ${release.AGAVE_VERSION}): ${release.ALL_FEATURES.length} features, ${release.MAINNET_FEATURES.length} active`,
);
console.log(changes.length === 0 ? 'nothing changed' : changes.map((c) => `  ${c}`).join('\n'));
