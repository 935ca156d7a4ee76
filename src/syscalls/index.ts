export { registerLoggingSyscalls, consumeChecked, SYSCALL_BASE_COST } from './logging.js';
