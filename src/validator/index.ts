/**
 * `websvm/validator`: a local validator (JSON-RPC + WebSocket PubSub) over an `SVM`. A separate
 * entry point, since it needs Node's `http` and the `ws` package, which the browser bundle must not load.
 */
export { startValidator, type Validator, type ValidatorOptions } from './validator.js';
