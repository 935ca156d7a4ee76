/** The error `f` throws, asserting its class (tests compare kinds and texts on it). */
export function thrown<E extends Error>(cls: abstract new (...args: never[]) => E, f: () => unknown): E {
  try {
    f();
  } catch (e) {
    if (e instanceof cls) return e;
    throw e;
  }
  throw new Error(`expected a ${cls.name}`);
}
