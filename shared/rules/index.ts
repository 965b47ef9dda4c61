// The rule registry: one file per rule in this folder, listed here once.
import type { Rule } from '../rule';
import { preferCopy } from './prefer-copy';
import { updateWithoutInstall } from './update-without-install';
import { userRoot } from './user-root';

export const RULES: readonly Rule[] = [preferCopy, userRoot, updateWithoutInstall];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.meta.id, r]));
