// Jest loads global setup with Node's own resolver, which cannot map the `.js` specifiers of our
// TypeScript sources to `.ts`; tsx's CommonJS hook can, so setup runs from source with no build.
require('tsx/cjs/api').register()
module.exports = require('../src/jest/global-setup.ts').default
