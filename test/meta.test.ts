// Every rule is complete: metadata, both languages, a real guide section, fixtures, README row.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { describe, it } from 'node:test';
import { GUIDE_SECTIONS, guideUrl, GUIDE_BASE_URL } from '../shared/guide';
import { RULES } from '../shared/rules';
import { KEYWORD_ADVICE } from '../shared/hover';
import { ruleTable } from '../scripts/docs';
import { FIXTURES, GUIDE, ROOT } from './helpers';

/** GitHub's heading anchors: lower case, punctuation dropped (accents kept), spaces to hyphens. */
function githubSlug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function headingsOf(file: string): Set<string> {
  const text = fs.readFileSync(path.join(GUIDE, file), 'utf8');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => githubSlug(m[1])));
}

const guideAvailable = fs.existsSync(path.join(GUIDE, 'sumario.md'));
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

describe('guide sections', { skip: !guideAvailable && 'guide folder not present' }, () => {
  const sumario = guideAvailable ? fs.readFileSync(path.join(GUIDE, 'sumario.md'), 'utf8') : '';
  for (const [id, section] of Object.entries(GUIDE_SECTIONS)) {
    it(`${id} is listed in sumario.md with the same file and anchor`, () => {
      assert.ok(sumario.includes(`(${section.file}#${section.anchor})`), `${section.file}#${section.anchor} not in sumario.md`);
      assert.ok(sumario.includes(`${id} ${section.title}`), `title "${section.title}" not in sumario.md`);
    });
    it(`${id} URL points at a heading that exists in ${section.file}`, () => {
      const url = guideUrl(id);
      assert.ok(url.startsWith(GUIDE_BASE_URL + section.file + '#'));
      const anchor = decodeURIComponent(url.slice(url.indexOf('#') + 1));
      assert.ok(headingsOf(section.file).has(anchor), `no heading in ${section.file} gives anchor ${anchor}`);
      assert.ok(!/[^\x21-\x7e]/.test(url), 'URL must be percent-encoded ASCII');
    });
  }
});

describe('rule catalogue', () => {
  it('ids are unique kebab-case', () => {
    const ids = RULES.map((r) => r.meta.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z]+(-[a-z0-9]+)*$/);
  });

  for (const rule of RULES) {
    const { id } = rule.meta;
    describe(id, () => {
      it('lives in its own file shared/rules/<id>.ts', () => {
        assert.ok(fs.existsSync(path.join(ROOT, 'shared', 'rules', `${id}.ts`)));
      });
      it('has docs in English and Spanish, and they differ', () => {
        for (const locale of ['en', 'es'] as const) {
          const docs = rule.meta.docs[locale];
          for (const key of ['title', 'why', 'how'] as const) assert.ok(docs[key].trim().length > 10 || (key === 'title' && docs[key].trim().length > 3), `${locale}.${key} missing`);
        }
        assert.notEqual(rule.meta.docs.en.why, rule.meta.docs.es.why);
      });
      it('names guide sections that exist', () => {
        assert.ok(rule.meta.sections.length > 0);
        for (const s of rule.meta.sections) assert.ok(GUIDE_SECTIONS[s], `unknown section ${s}`);
      });
      it('has fixtures that must be caught and that must not', () => {
        const dir = path.join(FIXTURES, 'rules', id);
        assert.ok(fs.existsSync(dir), `missing ${dir}`);
        const files = fs.readdirSync(dir).filter((f) => f.endsWith('.Dockerfile') && !f.endsWith('.fixed.Dockerfile'));
        const texts = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
        assert.ok(texts.some((t) => /^# expect: /m.test(t)), 'no fixture with an expected finding');
        assert.ok(texts.some((t) => !/^# expect: /m.test(t)), 'no fixture that must stay clean');
        if (rule.meta.fixable) {
          assert.ok(fs.readdirSync(dir).some((f) => f.endsWith('.fixed.Dockerfile')), 'fixable rule without a .fixed fixture');
        }
      });
      it('is in the README rule table', () => {
        assert.match(readme, new RegExp(`\\|\\s*\`${id}\`\\s*\\|\\s*${rule.meta.sections[0].replace(/\./g, '\\.')}`));
      });
      it('maps equivalents of other linters with their id formats', () => {
        for (const h of rule.meta.equivalents.hadolint ?? []) assert.match(h, /^DL\d{4}$/);
        for (const t of rule.meta.equivalents.trivy ?? []) assert.match(t, /^DS-\d{4}$/);
        for (const c of rule.meta.equivalents.checkov ?? []) assert.match(c, /^CKV_[A-Z]+_\d+$/);
      });
    });
  }
});

describe('keyword hovers', () => {
  it('cover ADD, USER, FROM, HEALTHCHECK and LABEL with existing sections', () => {
    for (const keyword of ['ADD', 'USER', 'FROM', 'HEALTHCHECK', 'LABEL']) {
      const advice = KEYWORD_ADVICE[keyword];
      assert.ok(advice, keyword);
      for (const s of advice.sections) assert.ok(GUIDE_SECTIONS[s]);
      assert.notEqual(advice.text.en, advice.text.es);
    }
  });
});

describe('extension manifest', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8'));
  const nlsEs = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.es.json'), 'utf8'));
  it('has every %key% of package.json in both nls files', () => {
    const keys = [...JSON.stringify(manifest).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.ok(keys.length >= 5);
    for (const key of keys) {
      assert.ok(nls[key], `package.nls.json lacks ${key}`);
      assert.ok(nlsEs[key], `package.nls.es.json lacks ${key}`);
    }
  });
  it('lets every rule id be configured with the documented levels', () => {
    const rules = manifest.contributes.configuration.properties['dockerfileSeguro.rules'];
    assert.deepEqual(rules.additionalProperties.enum, ['off', 'error', 'warning', 'information', 'hint']);
    assert.deepEqual(Object.keys(rules.properties ?? {}).sort(), RULES.map((r) => r.meta.id).sort());
  });
});

describe('README', () => {
  it('carries the rule table generated from the metadata (npm run docs)', () => {
    assert.ok(readme.includes(`<!-- rules:start -->\n${ruleTable()}\n<!-- rules:end -->`), 'README rule table is stale: run npm run docs');
  });
});

describe('README for the Marketplace', () => {
  // vsce cannot resolve relative links without a public repository. The only ones allowed are screenshots from
  // images/, each alone on its line: scripts/package.mjs drops those lines from the README it gives vsce.
  it('has no relative links but images/ screenshots that exist, each on a line of its own', () => {
    const relative = [...readme.matchAll(/(!?)\[[^\]]*\]\(([^)]+)\)/g)].filter((m) => !/^(https?:|#|mailto:)/.test(m[2]));
    for (const [whole, bang, href] of relative) {
      assert.ok(bang === '!' && href.startsWith('images/'), `relative link ${href}: only images/ screenshots may be relative`);
      assert.ok(fs.existsSync(path.join(ROOT, href)), `${href} does not exist`);
      const line = readme.split('\n').find((l) => l.includes(whole));
      assert.equal(line?.trim(), whole, `${href} must be alone on its line`);
    }
  });
});
