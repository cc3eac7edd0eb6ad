export { default } from '../scripts/eslint-tooling-config.mjs';
