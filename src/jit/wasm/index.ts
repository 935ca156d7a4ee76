export { ByteWriter } from './bytes.js';
export { Code, ModuleBuilder, ValType, type BlockType, type FuncType } from './module.js';
