export { link, LinkError, type LinkOptions } from './link.js';
