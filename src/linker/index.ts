export { link, linkWithDebugFile, LinkError, type LinkOptions } from './link.js';
