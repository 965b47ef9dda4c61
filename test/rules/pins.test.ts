// Focused tests of the pin-* rules (3.1.3) and of shared/shell/installs.ts, which reads install commands of
// every ecosystem into package specs; plus a sweep of the real-world corpus.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import { DockerfileModel } from '../../shared/dockerfile';
import { RULES_BY_ID } from '../../shared/rules';
import { pinApk } from '../../shared/rules/pin-apk';
import { pinApt } from '../../shared/rules/pin-apt';
import { pinGem } from '../../shared/rules/pin-gem';
import { pinGo } from '../../shared/rules/pin-go';
import { pinNpm } from '../../shared/rules/pin-npm';
import { pinPip } from '../../shared/rules/pin-pip';
import { pinRpm } from '../../shared/rules/pin-rpm';
import { parseShell } from '../../shared/shell/parser';
import { installCall, installsIn, type Ecosystem, type InstallCall } from '../../shared/shell/installs';
import type { Finding } from '../../shared/types';
import { CORPUS, findingsOf, formatRange, lintStrict, loadEngine } from '../helpers';

before(loadEngine);

const RULES = [pinApt, pinApk, pinPip, pinNpm, pinGem, pinGo, pinRpm];
const IDS = RULES.map((r) => r.meta.id);

/** The install read from a one-command shell line. */
function call(source: string): InstallCall | null {
  const script = parseShell(source);
  assert.equal(script.commands.length, 1, `one command expected in ${source}`);
  return installCall(script.commands[0]);
}

/** `name` for each unpinned package, `name!` for each pinned one. */
function specs(source: string): string[] {
  const c = call(source);
  assert.ok(c, `not an install: ${source}`);
  return c.packages.map((p) => (p.pinned ? `${p.name}!` : p.name));
}

/** The words flagged by a rule in a one-stage Dockerfile. */
function flagged(id: string, run: string, from = 'FROM x'): string[] {
  const text = `${from}\nRUN ${run}\n`;
  const lines = text.split('\n');
  return findingsOf(text, id).map((f) => {
    assert.equal(f.range.start.line, f.range.end.line);
    return lines[f.range.start.line].slice(f.range.start.character, f.range.end.character);
  });
}

describe('pin-*: metadata', () => {
  it('are warnings of 3.1.3 without fixes, registered, with docs in both languages', () => {
    for (const rule of RULES) {
      const { meta } = rule;
      assert.equal(RULES_BY_ID.get(meta.id), rule, meta.id);
      assert.deepEqual(meta.sections, ['3.1.3']);
      assert.equal(meta.severity, 'warning');
      assert.equal(meta.fixable, false);
      for (const docs of [meta.docs.en, meta.docs.es]) {
        for (const text of [docs.title, docs.why, docs.how]) assert.ok(text.length > 20, `${meta.id}: ${text}`);
      }
      assert.notEqual(meta.docs.en.how, meta.docs.es.how);
    }
  });

  it('map the hadolint rules that check the same thing', () => {
    assert.deepEqual(pinApt.meta.equivalents, { hadolint: ['DL3008'] });
    assert.deepEqual(pinApk.meta.equivalents, { hadolint: ['DL3018'] });
    assert.deepEqual(pinPip.meta.equivalents, { hadolint: ['DL3013'] });
    assert.deepEqual(pinNpm.meta.equivalents, { hadolint: ['DL3016'] });
    assert.deepEqual(pinGem.meta.equivalents, { hadolint: ['DL3028'] });
    assert.deepEqual(pinGo.meta.equivalents, {});
    assert.deepEqual(pinRpm.meta.equivalents, { hadolint: ['DL3033', 'DL3037', 'DL3041'] });
  });

  it('name the package and the pin syntax in both languages', () => {
    const text = 'FROM x\nRUN apt-get install -y curl && npm i -g npm@latest\n';
    const [apt] = findingsOf(text, 'pin-apt', { locale: 'en' });
    assert.equal(apt.message, '`curl` is installed without an exact version: pin it, e.g. `curl=<version>`.');
    assert.equal(apt.guideSection, '3.1.3');
    assert.deepEqual(apt.fixes, []);
    const [aptEs] = findingsOf(text, 'pin-apt', { locale: 'es' });
    assert.equal(aptEs.message, '`curl` se instala sin una versión exacta: fíjala, por ejemplo `curl=<version>`.');
    const [npm] = findingsOf(text, 'pin-npm', { locale: 'en' });
    assert.equal(npm.message, '`npm` is installed as `npm@latest`, which is not an exact version: pin it, e.g. `npm@<version>`.');
    const [npmEs] = findingsOf(text, 'pin-npm', { locale: 'es' });
    assert.match(npmEs.message, /^`npm` se instala como `npm@latest`, que no es una versión exacta/);
  });

  it('show each ecosystem its own pin syntax', () => {
    const example = (id: string, run: string) => findingsOf(`FROM x\nRUN ${run}\n`, id)[0].message.replace(/^.*e\.g\. /, '');
    assert.equal(example('pin-apk', 'apk add git@edge'), '`git@edge=<version>`.');
    assert.equal(example('pin-pip', 'pip install flask[async]'), '`flask[async]==<version>`.');
    assert.equal(example('pin-gem', 'gem install rails'), '`rails:<version>`.');
    assert.equal(example('pin-go', 'go install example.com/x@latest'), '`example.com/x@<version>`.');
    assert.equal(example('pin-rpm', 'dnf install -y nginx'), '`nginx-<version>`.');
    assert.equal(example('pin-rpm', 'zypper in -y nginx'), '`nginx=<version>`.');
    const gem = findingsOf('FROM x\nRUN gem install bundler -v "~> 2.5"\n', 'pin-gem')[0];
    assert.match(gem.message, /^`bundler` is installed as `bundler -v '~> 2.5'`/);
  });
});

describe('installs: reading install commands', () => {
  it('apt: operands after any options, pins with any `=`', () => {
    assert.deepEqual(specs('apt-get -y --no-install-recommends install -o A::B=1 -t bookworm curl git=1:2.39 "jq=1.6*"'), ['curl', 'git!', 'jq!']);
    assert.deepEqual(specs('sudo -E apt install --reinstall libc6:i386 nginx/bookworm-backports g++'), ['libc6:i386', 'nginx', 'g++']);
    assert.deepEqual(specs('apt-get install -y ./x.deb /tmp/*.deb exim4- "?name(x)" "lib*" "$PKGS" curl=$V'), []);
    assert.deepEqual(specs('apt-get install -f'), []);
    assert.equal(call('apt-get update'), null);
    assert.equal(call('apt-get reinstall curl'), null);
    assert.equal(call('dpkg -i x.deb'), null);
    const release = call('apt-get install nginx/bookworm-backports')!.packages[0];
    assert.equal(release.constraint, 'bookworm-backports');
  });

  it('apk: any version operator counts, option values and providers are skipped', () => {
    assert.deepEqual(specs('apk add --no-cache --virtual .deps gcc curl=8.9 a~1 "b>=2" "c<3" "d>4" e@edge f@edge=1'), ['gcc', 'curl!', 'a!', 'b!', 'c!', 'd!', 'e', 'f!']);
    assert.deepEqual(specs('apk --no-cache add -t .x -X http://r/x --repository=http://r/y so:libssl.so.3 ./x.apk /p/*.apk'), []);
    assert.equal(call('apk del curl'), null);
  });

  it('pip: every spelling of the installer, exact `==` only', () => {
    for (const tool of ['pip', 'pip3', 'pip3.12', '/venv/bin/pip', 'python -m pip', 'python3.11 -u -m pip', 'uv pip', 'sudo -H pip3']) {
      assert.deepEqual(specs(`${tool} install a b==1`), ['a', 'b!'], tool);
    }
    assert.deepEqual(specs('pip --no-cache-dir --timeout 60 install -U "a>=1" "b===2" "c==1.*" \'d[x]~=1\' "e!=1" "f==1; python_version<\'3\'"'), ['a', 'b!', 'c!', 'd[x]', 'e', 'f!']);
    assert.deepEqual(specs('pip install -r r.txt -c c.txt -e . -e git+https://x/y.git . .[dev] ./a /w/x.whl d-1.0.tar.gz https://x/y.zip "p @ https://x/p.whl" $P "q==$V"'), []);
    assert.deepEqual(specs('pip install --no-index --find-links /wheels flask'), []);
    assert.equal(call('pip download flask'), null);
    assert.equal(call('python -c "import pip" install x'), null);
    assert.equal(call('python3 -m venv /venv'), null);
    assert.equal(call('pipx install black'), null);
  });

  it('npm, yarn, pnpm, bun: exact semver only, local and git specs skipped', () => {
    assert.deepEqual(specs('npm install -g a b@1.2.3 c@latest @s/d @s/e@2.0.0-rc.1 f@^1 g@1.x h@v1.2.3 "al@npm:real@1.0.0" "bl@npm:real"'), ['a', 'b!', 'c', '@s/d', '@s/e!', 'f', 'g', 'h!', 'al!', 'bl']);
    assert.deepEqual(specs('npm i --prefix /x --registry https://r ./a ../b /c x.tgz file:../d git+https://x/y.git github:o/r o/r https://x/y.tgz "$P" "q@$V"'), []);
    assert.deepEqual(specs('npm install -g --unsafe-perm true --loglevel warn --omit dev node-red'), ['node-red']);
    assert.deepEqual(specs('yarn global add a@1.0.0 b'), ['a!', 'b']);
    assert.deepEqual(specs('yarn --cwd /app add c'), ['c']);
    assert.deepEqual(specs('pnpm add -g d'), ['d']);
    assert.deepEqual(specs('bun add e'), ['e']);
    assert.deepEqual(specs('npm install'), []);
    assert.equal(call('npm ci'), null);
    assert.equal(call('yarn install --frozen-lockfile'), null);
    assert.equal(call('npm run build'), null);
  });

  it('gem: `-v`, `--version`, `name:version`, only exact versions pin', () => {
    assert.deepEqual(specs('gem install a'), ['a']);
    assert.deepEqual(specs('gem install a -v 1.2.3'), ['a!']);
    assert.deepEqual(specs('gem install --version=1.2 a'), ['a!']);
    assert.deepEqual(specs('gem install -v2.0.0 a'), ['a!']);
    assert.deepEqual(specs('gem install a -v "= 1.0"'), ['a!']);
    assert.deepEqual(specs('gem install a -v "~> 1.0"'), ['a']);
    assert.deepEqual(specs('gem install a:1.0.0 b:">= 1" c -- --use-system-libraries'), ['a!', 'b', 'c']);
    assert.deepEqual(specs('gem install a -v "$V" ./x.gem y-1.0.gem --no-document -N'), []);
    assert.equal(call('bundle install'), null);
    assert.equal(call('gem update --system'), null);
  });

  it('go: exact versions, pseudo-versions and commits pin; local paths are skipped', () => {
    assert.deepEqual(
      specs('go install -ldflags "-s" example.com/a@v1.2.3 example.com/b@latest example.com/c example.com/d@v0.0.0-20240101000000-abcdef123456 example.com/e@abcdef1 example.com/f@v1'),
      ['example.com/a!', 'example.com/b', 'example.com/c', 'example.com/d!', 'example.com/e!', 'example.com/f'],
    );
    assert.deepEqual(specs('go get ./... . /src/x std myapp/cmd example.com/x@none "example.com/y@$V"'), []);
    assert.equal(call('go build ./...'), null);
    assert.equal(call('go mod download'), null);
  });

  it('rpm: versions by their last dash-separated part, operators, and what has no version to pin', () => {
    assert.deepEqual(
      specs('dnf install -y a a-1.2 a-1.2-3.el9 a-1:1.2-3.el9.x86_64 tzdata-2024a-5 java-17-openjdk gcc-toolset-13 pkg-2 "b = 1" "c>=2"'),
      ['a', 'a!', 'a!', 'a!', 'tzdata!', 'java-17-openjdk', 'gcc-toolset-13', 'pkg-2', 'b!', 'c!'],
    );
    assert.deepEqual(specs('yum -y install @group "@nodejs:20" "perl(JSON)" /tmp/x.rpm https://x/y.rpm "p*" "$P"'), []);
    assert.deepEqual(specs('microdnf install --nodocs -y a'), ['a']);
    assert.deepEqual(specs('tdnf in -y a'), ['a']);
    assert.deepEqual(specs('zypper -n in --no-recommends a pattern:b'), ['a']);
    assert.equal(call('zypper -n install -t pattern devel_basis'), null);
    assert.equal(call('dnf module install nodejs:20'), null);
    assert.equal(call('yum groupinstall -y "Development Tools"'), null);
    assert.equal(call('dnf upgrade -y'), null);
  });
});

describe('installs: where installs are found', () => {
  function found(text: string, ecosystem: Ecosystem): string[] {
    const model = new DockerfileModel(text);
    return [...installsIn(model, ecosystem)].flatMap((f) => f.call.packages.map((p) => `${formatRange({ range: f.rangeOf(p) } as Finding)} ${p.value}`));
  }

  it('reads exec form with document ranges, quotes included', () => {
    assert.deepEqual(found('FROM x\nRUN ["apk", "add", "curl"]\n', 'apk'), ['2:20-2:26 curl']);
  });

  it('reads `sh -c`, `bash -ec` and `su -c` scripts when their text maps back to the document', () => {
    assert.deepEqual(found(`FROM x\nRUN sh -c 'apk add a' && su node -c "apk add b" && bash --login -ec "apk add c"\n`, 'apk'), [
      '2:20-2:21 a', '2:46-2:47 b', '2:78-2:79 c',
    ]);
    assert.deepEqual(found('FROM x\nRUN ["/bin/sh", "-c", "apk add d"]\n', 'apk'), ['2:32-2:33 d']);
    // escapes would shift offsets: not read
    assert.deepEqual(found('FROM x\nRUN sh -c "apk add \\"e\\""\n', 'apk'), []);
  });

  it('reads every stage and heredoc bodies, but not ONBUILD or PowerShell', () => {
    const text = 'FROM x AS a\nRUN apk add a\nFROM y\nRUN <<EOF\napk add b\nEOF\nONBUILD RUN apk add c\n';
    assert.deepEqual(found(text, 'apk'), ['2:13-2:14 a', '5:9-5:10 b']);
    assert.deepEqual(found('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN apk add a\n', 'apk'), []);
  });

  it('keeps ecosystems apart', () => {
    const text = 'FROM x\nRUN apt-get install -y a && apk add b && pip install c && npm i -g d && gem install e && go get f.io/g && dnf install -y h\n';
    const ecosystems: Ecosystem[] = ['apt', 'apk', 'pip', 'npm', 'gem', 'go', 'rpm'];
    assert.deepEqual(ecosystems.map((e) => found(text, e).map((s) => s.split(' ')[1])), [['a'], ['b'], ['c'], ['d'], ['e'], ['f.io/g'], ['h']]);
  });
});

describe('pin-*: the rules on Dockerfiles', () => {
  it('report one finding per unpinned package, on its word', () => {
    assert.deepEqual(flagged('pin-apt', 'apt-get update && apt-get install -y --no-install-recommends curl wget=1.2 git'), ['curl', 'git']);
    assert.deepEqual(flagged('pin-apk', 'apk add --no-cache bash curl=8.9.1-r0'), ['bash']);
    assert.deepEqual(flagged('pin-pip', 'pip install "flask>=3" gunicorn==22.0.0'), ['"flask>=3"']);
    assert.deepEqual(flagged('pin-npm', 'npm install -g typescript@5.4.5 eslint@^8'), ['eslint@^8']);
    assert.deepEqual(flagged('pin-gem', 'gem install rails -v 7.1.3 && gem install sinatra'), ['sinatra']);
    assert.deepEqual(flagged('pin-rpm', 'yum install -y nginx-1.24.0 httpd'), ['httpd']);
  });

  it('pin-go: `go get` without a version is flagged, `go install` without one is left to go.mod', () => {
    assert.deepEqual(flagged('pin-go', 'go get golang.org/x/net/html && go install golang.org/x/tools/cmd/stringer'), ['golang.org/x/net/html']);
    assert.deepEqual(flagged('pin-go', 'go install golang.org/x/tools/gopls@latest'), ['golang.org/x/tools/gopls@latest']);
    assert.deepEqual(flagged('pin-go', 'GO111MODULE=off go install github.com/x/y', 'FROM golang:1.15'), []);
  });

  it('report across line continuations with comments, in LF and CRLF', () => {
    const text = 'FROM x\nRUN apt-get install -y \\\n    # tools\n    curl \\\n    git=1\n';
    for (const t of [text, text.replace(/\n/g, '\r\n')]) {
      assert.deepEqual(findingsOf(t, 'pin-apt').map(formatRange), ['4:5-4:9']);
    }
  });

  it('stay quiet on words built from variables, even when an ARG gives them a default', () => {
    const text = 'FROM x\nARG PKGS="curl git"\nARG V=latest\nRUN apt-get install -y $PKGS && npm i -g "npm@$V" && pip install "flask$EXTRA"\n';
    for (const id of IDS) assert.deepEqual(findingsOf(text, id), [], id);
  });

  it('respect ignore comments', () => {
    assert.deepEqual(findingsOf('FROM x\n# dockerfile-seguro ignore=pin-apt -- tracked upstream\nRUN apt-get install -y curl\n', 'pin-apt'), []);
  });

  it('offer no quick fix', () => {
    const text = 'FROM x\nRUN apt-get install -y a && apk add b && pip install c && npm i -g d && gem install e && go get f.io/g && dnf install -y h\n';
    const mine = lintStrict(text).filter((f) => IDS.includes(f.ruleId));
    assert.equal(mine.length, 7);
    for (const f of mine) assert.deepEqual(f.fixes, []);
  });
});

describe('pin-*: corpus sweep', () => {
  const files = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).sort() : [];

  it('findings sit on static package words and carry no fix', { skip: files.length === 0 && 'corpus not found' }, () => {
    const counts = new Map<string, number>(IDS.map((id) => [id, 0]));
    for (const file of files) {
      const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
      const lines = text.split(/\r?\n/);
      for (const finding of lintStrict(text).filter((f) => IDS.includes(f.ruleId))) {
        counts.set(finding.ruleId, counts.get(finding.ruleId)! + 1);
        const where = `${file}:${formatRange(finding)}`;
        // no fix at all, so nothing to apply: the rule never rewrites a Dockerfile
        assert.deepEqual(finding.fixes, [], where);
        assert.equal(finding.range.start.line, finding.range.end.line, where);
        const word = lines[finding.range.start.line].slice(finding.range.start.character, finding.range.end.character);
        assert.ok(!/[$`]/.test(word), `${where}: dynamic word ${word}`);
        assert.ok(!/^-/.test(word), `${where}: an option ${word}`);
        assert.ok(!/\.(deb|apk|rpm|whl|gem|tgz)['"]?$/.test(word) && !/:\/\//.test(word), `${where}: a local file or URL ${word}`);
        assert.ok(!/^['"]?(\.{0,2}\/)/.test(word), `${where}: a path ${word}`);
      }
    }
    console.log(`pin-* on the corpus (${files.length} files): ${[...counts].map(([id, n]) => `${id} ${n}`).join(', ')}`);
    assert.ok(counts.get('pin-apt')! > 0 && counts.get('pin-apk')! > 0, 'the corpus has no apt/apk finding: are the rules running?');
  });
});
