// PLACEHOLDER: being written; replaced by the real rule before commit.
import type { Rule } from '../rule';

export const userRoot: Rule = {
  meta: {
    id: 'user-root',
    sections: ['3.1.2'],
    severity: 'warning',
    fixable: true,
    equivalents: {},
    docs: { en: { title: '', why: '', how: '' }, es: { title: '', why: '', how: '' } },
  },
  check() {},
};
