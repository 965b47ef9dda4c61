// Public surface of the engine, for the language server, the CLI and tests.
export { lint, lintModel, fixAll, getRule, effectiveSeverity, type EngineOptions, type FixAllResult } from './engine';
export { DockerfileModel } from './dockerfile';
export { RULES, RULES_BY_ID } from './rules';
export { GUIDE_SECTIONS, guideUrl } from './guide';
export { ignoreForLineEdit } from './ignore';
export { initShellParser, isShellParserReady } from './shell/parser';
export { applyEdits, minimalEdit, LineIndex, rangeContains } from './textDocument';
export * from './types';
