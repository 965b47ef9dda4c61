// PLACEHOLDER: being written; replaced by the real rule before commit.
import type { Rule } from '../rule';

export const updateWithoutInstall: Rule = {
  meta: {
    id: 'update-without-install',
    sections: ['3.1.3'],
    severity: 'warning',
    fixable: true,
    equivalents: {},
    docs: { en: { title: '', why: '', how: '' }, es: { title: '', why: '', how: '' } },
  },
  check() {},
};
