// Focused tests of the 3.1.4 / 3.1.5 / 2.2.3 rules (download-unverified, pipe-to-shell,
// tls-verification-disabled, signature-verification-disabled, plain-http, add-remote, add-archive,
// credentials-in-url) and of shared/shell/downloads.ts, plus a fix round trip over the real-world corpus.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import { DockerfileModel } from '../../shared/dockerfile';
import { fixAll } from '../../shared/engine';
import { RULES_BY_ID } from '../../shared/rules';
import { credentialsIn } from '../../shared/rules/credentials-in-url';
import { programOf } from '../../shared/rules/pipe-to-shell';
import {
  downloadsIn, isGitSource, isLoopbackHost, isTrustFile, lex, parseArgs, parseUrl, plumbingOf, transferOf, urlFileName,
} from '../../shared/shell/downloads';
import { applyEdits } from '../../shared/textDocument';
import type { Finding } from '../../shared/types';
import { CORPUS, findingsOf, formatRange, lintStrict, loadEngine } from '../helpers';

const IDS = [
  'download-unverified', 'pipe-to-shell', 'tls-verification-disabled', 'signature-verification-disabled',
  'plain-http', 'add-remote', 'add-archive', 'credentials-in-url',
] as const;
type Id = typeof IDS[number];

before(loadEngine);

const ranges = (text: string, id: Id): string[] => findingsOf(text, id).map(formatRange);
const run = (script: string, from = 'FROM debian:12') => `${from}\nRUN ${script}\n`;
/** The RUN's only shell, parsed. */
function shellOf(script: string) {
  const model = new DockerfileModel(run(script));
  const found = [...model.runsOf(model.stages[0])];
  return found[0].shell;
}
function applyOnly(text: string, id: Id, kind: 'quickfix' | 'refactor' = 'quickfix'): string {
  const found = findingsOf(text, id);
  assert.equal(found.length, 1, `expected one ${id} finding, got ${found.map(formatRange).join(' ')}`);
  const fix = found[0].fixes.find((f) => f.kind === kind);
  assert.ok(fix, `expected a ${kind}`);
  return applyEdits(text, fix.edits);
}

describe('integrity rules: metadata', () => {
  const expected: Record<Id, { sections: string[]; severity: string; fixable: boolean }> = {
    'download-unverified': { sections: ['3.1.4'], severity: 'warning', fixable: false },
    'pipe-to-shell': { sections: ['3.1.4'], severity: 'error', fixable: false },
    'tls-verification-disabled': { sections: ['3.1.4'], severity: 'error', fixable: true },
    'signature-verification-disabled': { sections: ['3.1.4', '2.3.3'], severity: 'error', fixable: true },
    'plain-http': { sections: ['3.1.4'], severity: 'warning', fixable: false },
    'add-remote': { sections: ['3.1.5', '3.1.4'], severity: 'warning', fixable: false },
    'add-archive': { sections: ['3.1.5'], severity: 'info', fixable: false },
    'credentials-in-url': { sections: ['2.2.3', '3.1.8'], severity: 'error', fixable: false },
  };
  for (const id of IDS) {
    it(`${id} follows the spec and is documented in both languages`, () => {
      const meta = RULES_BY_ID.get(id)!.meta;
      assert.deepEqual({ sections: meta.sections, severity: meta.severity, fixable: meta.fixable }, expected[id]);
      for (const docs of [meta.docs.en, meta.docs.es]) {
        assert.ok(docs.title.length > 10);
        assert.ok(docs.why.length > 80);
        assert.ok(docs.how.length > 40);
      }
      assert.notEqual(meta.docs.en.how, meta.docs.es.how);
    });
  }
  it('messages are localized', () => {
    const text = run('curl -k -o /tmp/a http://example.com/a | sh');
    for (const id of ['tls-verification-disabled', 'plain-http', 'download-unverified'] as const) {
      const [en] = findingsOf(text, id, { locale: 'en' });
      const [es] = findingsOf(text, id, { locale: 'es' });
      assert.ok(en && es, id);
      assert.notEqual(en.message, es.message);
    }
  });
});

describe('shell/downloads: reading the shell', () => {
  it('lexes gaps: redirections with targets, pipes, operators', () => {
    const tokens = lex(' 2>/dev/null > "out file" |& tee x && y');
    assert.deepEqual(tokens.map((t) => t.type), ['redirect', 'redirect', 'op', 'word', 'word', 'op', 'word']);
    assert.equal(tokens[0].fd, '2');
    assert.equal(tokens[1].target!.value, 'out file');
    assert.equal(tokens[2].text, '|&');
    assert.equal(lex('&>/tmp/log')[0].fd, '&');
    assert.equal(lex('echo "$(a b)" c').length, 3);
    assert.equal(lex('x=$(curl u)')[0].value, null);
  });

  it('parses grouped short options and values like getopt', () => {
    const shell = shellOf('curl -fsSLo out.bin --retry 3 --header=X https://example.com/x');
    const parsed = parseArgs(shell.script.commands[0].args, 0, { shortValue: 'o', longValue: new Set(['--retry']) });
    assert.deepEqual(parsed.options.map((o) => [o.name, o.value]), [['-f', null], ['-s', null], ['-S', null], ['-L', null], ['-o', 'out.bin'], ['--retry', '3'], ['--header', 'X']]);
    assert.deepEqual(parsed.operands.map((w) => w.value), ['https://example.com/x']);
  });

  it('tells where curl and wget put the body', () => {
    const output = (script: string) => transferOf(shellOf(script).script.commands[0])!;
    assert.deepEqual([output('curl -fsSL https://x/a').output, output('curl -o - https://x/a').output], ['stdout', 'stdout']);
    assert.deepEqual(output('curl -fsSLO https://x/dir/a.tgz?raw=1').files, ['a.tgz']);
    assert.deepEqual(output('curl -ok https://x/a').files, ['k']);
    assert.equal(output('curl -o /dev/null https://x/a').output, 'none');
    assert.equal(output('curl -I https://x/a').output, 'none');
    assert.deepEqual(output('wget https://x/p/a.deb').files, ['a.deb']);
    assert.deepEqual(output('wget -P /src https://x/p/a.deb').files, ['/src/a.deb']);
    assert.equal(output('wget -qO- https://x/a').output, 'stdout');
    assert.equal(output('wget -nv -O - https://x/a').output, 'stdout');
    assert.equal(output('wget --spider https://x/a').output, 'none');
    assert.equal(output('sudo -E wget -O /tmp/a https://x/a').tool, 'wget');
    assert.equal(output('busybox wget -O /tmp/a https://x/a').tool, 'wget');
    assert.equal(transferOf(shellOf('echo curl').script.commands[0]), null);
  });

  it('follows redirections, pipes and substitutions', () => {
    const shell = shellOf('curl https://x/a 2>/dev/null | gunzip | sh && curl https://x/b > /tmp/b && v=$(curl -s https://x/c)');
    const sinks = downloadsIn(shell).map((d) => d.sink);
    assert.equal(sinks[0].kind, 'pipe');
    assert.deepEqual(sinks[0].kind === 'pipe' && sinks[0].stages.map((s) => s.name.value), ['gunzip', 'sh']);
    assert.deepEqual(sinks[1], { kind: 'file', files: ['/tmp/b'] });
    assert.equal(sinks[2].kind, 'none');
    const heredoc = shellOf('echo a |\n  sh');
    assert.equal(plumbingOf(heredoc, heredoc.script.commands[0]).stages.length, 1);
    const grouped = shellOf('curl https://x | (cd /opt && tar x)');
    assert.equal(plumbingOf(grouped, grouped.script.commands[0]).stages.length, 0, 'a subshell is not read into');
  });

  it('knows trust files, URLs, loopback hosts and git sources', () => {
    for (const f of ['KEYS', 'x.tgz.asc', 'SHASUMS256.txt', 'SHASUMS256.txt.asc', 'a.sha256', '/etc/apt/keyrings/docker.asc', 'gpg', '/etc/yum.repos.d/x.repo', 'ca.pem']) assert.ok(isTrustFile(f), f);
    for (const f of ['tool.tgz', '/usr/local/bin/gosu', 'install.sh', 'app.jar']) assert.ok(!isTrustFile(f), f);
    assert.deepEqual(parseUrl('http://u:p@Example.com:8080/x'), { scheme: 'http', userinfo: 'u:p', host: 'example.com', port: '8080' });
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '0.0.0.0', 'app.localhost']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['example.com', '10.0.0.1', 'localhost.example.com']) assert.ok(!isLoopbackHost(h), h);
    assert.equal(urlFileName('https://x/a/b.tar.gz?x=1#y'), 'b.tar.gz');
    assert.equal(urlFileName('https://x/'), null);
    for (const s of ['https://github.com/o/r.git#v1', 'git@github.com:o/r.git', 'git://x/r', 'ssh://git@x/r']) assert.ok(isGitSource(s), s);
    assert.ok(!isGitSource('https://example.com/a.tgz'));
  });
});

describe('download-unverified', () => {
  const id = 'download-unverified';
  it('flags a saved download with the command as the range', () => {
    assert.deepEqual(ranges(run('curl -fsSL -o /tmp/a.tgz https://x/a.tgz && tar xzf /tmp/a.tgz'), id), ['2:5-2:45']);
    assert.deepEqual(ranges(run('FOO=1 sudo wget https://x/a.deb'), id), ['2:11-2:36']);
    const [finding] = findingsOf(run('curl -o /tmp/a.tgz https://x/a.tgz'), id);
    assert.match(finding.message, /`curl` saves `\/tmp\/a\.tgz`/);
    assert.deepEqual(finding.fixes, []);
  });
  it('accepts any verification in the same RUN', () => {
    for (const check of [
      'echo "$SHA *a.tgz" | sha256sum -c -', 'sha256sum --check a.sha256', 'sha512sum -c a.sha512', 'md5sum -c a.md5',
      'shasum -a 256 -c a.sha256', 'echo "$S  a.tgz" | sha1sum -c', 'gpg --batch --verify a.asc a.tgz', 'gpgv a.sig a.tgz',
      'cosign verify-blob --key k.pub --signature a.sig a.tgz', 'minisign -Vm a.tgz -P "$K"', 'slsa-verifier verify-artifact a.tgz',
      'test "$(sha256sum a.tgz | cut -d" " -f1)" = "$S"', '[ "$(openssl dgst -sha256 a.tgz)" = "$S" ]', 'rpm -K a.rpm',
      'openssl dgst -sha256 -verify k.pem -signature a.sig a.tgz',
    ]) assert.deepEqual(ranges(run(`curl -o a.tgz https://x/a.tgz && ${check}`), id), [], check);
  });
  it('does not count a checksum that is only printed or generated', () => {
    assert.equal(ranges(run('curl -o a.tgz https://x/a.tgz && sha256sum a.tgz'), id).length, 1);
    assert.equal(ranges(run('curl -o a.tgz https://x/a.tgz && sha256sum a.tgz > a.sha256'), id).length, 1);
  });
  it('takes a verification by name in a later RUN of the same stage only', () => {
    const later = 'FROM debian:12\nRUN curl -o a.tgz https://x/a.tgz\nRUN echo "$S  a.tgz" | sha256sum -c -\n';
    assert.deepEqual(ranges(later, id), []);
    const other = 'FROM debian:12\nRUN curl -o a.tgz https://x/a.tgz\nRUN echo "$S  b.tgz" | sha256sum -c -\n';
    assert.equal(ranges(other, id).length, 1);
    const before = 'FROM debian:12\nRUN echo "$S  a.tgz" | sha256sum -c -\nRUN curl -o a.tgz https://x/a.tgz\n';
    assert.equal(ranges(before, id).length, 1);
    const stage = 'FROM debian:12\nRUN curl -o a.tgz https://x/a.tgz\nFROM debian:12\nRUN echo "$S  a.tgz" | sha256sum -c -\n';
    assert.equal(ranges(stage, id).length, 1);
  });
  it('leaves keys, signatures, checksums, package sources, stdout and ADD alone', () => {
    for (const script of [
      'curl -fsSL https://download.docker.com/linux/debian/gpg -o /etc/apt/keyrings/docker.asc',
      'curl -fsSLO https://x/SHASUMS256.txt.asc', 'wget https://x/KEYS', 'curl https://x/prod.list > /etc/apt/sources.list.d/x.list',
      'curl -fsSL https://x/a.tgz | tar xz', 'curl -fsS https://x/health', 'curl -o /dev/null https://x', 'wget -qO- https://x | jq .',
    ]) assert.deepEqual(ranges(run(script), id), [], script);
    assert.deepEqual(ranges('FROM debian:12\nADD https://x/a.tgz /tmp/\n', id), []);
  });
  it('stays quiet where the shell cannot be read', () => {
    assert.deepEqual(ranges('FROM debian:12\nRUN ["curl", "-o", "/a", "https://x/a"]\n', id), []);
    assert.deepEqual(ranges('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN curl.exe -o C:\\a https://x/a\n', id), []);
    assert.deepEqual(ranges('FROM debian:12\nSHELL ["pwsh", "-c"]\nRUN curl -o a https://x/a\n', id), []);
    assert.deepEqual(ranges('FROM debian:12\nONBUILD RUN curl -o a https://x/a\n', id), []);
  });
});

describe('pipe-to-shell', () => {
  const id = 'pipe-to-shell';
  it('reads what each interpreter executes', () => {
    const reads = (script: string) => programOf(shellOf(script).script.commands[0])!.readsStdin;
    for (const s of ['sh', 'bash -', 'bash -s -- -y', 'sh -eux', 'bash /dev/stdin -v', 'python3', 'python3 -u -', 'perl - App::cpanminus', 'ruby', 'node', 'php -- --x', 'php -d x=1', 'sudo -E bash', 'env A=1 zsh']) {
      assert.ok(reads(s), s);
    }
    for (const s of ['sh -c "x"', 'bash script.sh', 'bash "$S"', 'python3 -c "x"', 'python3 -m json.tool', 'perl -ne "print"', 'perl -e 1', 'ruby -e 1', 'node -e 1', 'node --eval=1', 'php -r 1', 'php -f a.php', 'php -R "echo 1;"']) {
      assert.ok(!reads(s), s);
    }
  });
  it('flags the pipeline up to the interpreter', () => {
    assert.deepEqual(ranges(run('curl -fsSL https://x/i.sh | sh && echo done'), id), ['2:5-2:35']);
    assert.deepEqual(ranges(run('curl -fsSL https://x/i.sh | gunzip | sudo bash -s -- --yes'), id), ['2:5-2:63']);
    const [f] = findingsOf(run('wget -qO- https://x | python3 -'), id);
    assert.match(f.message, /`wget`.*`python3`/);
    assert.deepEqual(f.fixes, []);
  });
  it('flags substitutions that are the program, not those that are only data', () => {
    assert.deepEqual(ranges(run('sh -c "$(curl -fsSL https://x/i.sh)"'), id), ['2:5-2:41']);
    assert.deepEqual(ranges(run('bash -ec "$(wget -qO- https://x/i.sh)"'), id), ['2:5-2:43']);
    assert.deepEqual(ranges(run('. <(curl -fsSL https://x/env)'), id), ['2:5-2:34']);
    assert.deepEqual(ranges(run('sh -c "echo $(curl -fsSL https://x/v)"'), id), []);
    assert.deepEqual(ranges(run('echo "$(curl -fsSL https://x/v)"'), id), []);
    assert.deepEqual(ranges(run('sh -c "$(curl -o /tmp/x https://x/v)"'), id), [], 'a download to a file prints nothing');
  });
});

describe('tls-verification-disabled', () => {
  const id = 'tls-verification-disabled';
  it('removes curl -k as a word or as a letter of its group', () => {
    assert.equal(applyOnly(run('curl -k https://x'), id), run('curl https://x'));
    assert.equal(applyOnly(run('curl -fsSLk https://x'), id), run('curl -fsSL https://x'));
    assert.equal(applyOnly(run('curl -kfsSL https://x'), id), run('curl -fsSL https://x'));
    assert.equal(applyOnly(run('curl https://x --insecure'), id), run('curl https://x'));
    assert.equal(applyOnly('FROM x\nRUN curl https://x \\\n    --insecure \\\n    -o /a\n', id), 'FROM x\nRUN curl https://x \\\n    -o /a\n');
    assert.equal(applyOnly('FROM x\nRUN curl https://x \\\n    --insecure\n', id), 'FROM x\nRUN curl https://x\n');
    assert.equal(applyOnly(run('wget --no-check-certificate -O /a https://x'), id), run('wget -O /a https://x'));
    assert.deepEqual(ranges(run('curl -fsSLk https://x'), id), ['2:15-2:16']);
  });
  it('does not confuse other meanings of -k', () => {
    assert.deepEqual(ranges(run('wget -k -r https://x && curl -ok https://x && ssh-keygen -k'), id), []);
  });
  it('removes an ENV only when it is the only key and nothing else refers to it', () => {
    assert.equal(applyOnly('FROM x\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\nCMD ["node"]\n', id), 'FROM x\nCMD ["node"]\n');
    assert.deepEqual(findingsOf('FROM x\nENV NODE_TLS_REJECT_UNAUTHORIZED=0 A=1\n', id)[0].fixes, []);
    assert.deepEqual(findingsOf('FROM x\nENV GIT_SSL_NO_VERIFY=1\nRUN echo $GIT_SSL_NO_VERIFY\n', id)[0].fixes, []);
    assert.deepEqual(findingsOf('FROM x\nENV PIP_TRUSTED_HOST=pypi.org\n', id)[0].fixes, [], 'pip needs it for an http index');
  });
  it('resolves ARG values and ignores unknown or harmless ones', () => {
    assert.deepEqual(ranges('FROM x\nARG V=0\nENV NODE_TLS_REJECT_UNAUTHORIZED=$V\n', id), ['3:5-3:36']);
    assert.deepEqual(ranges('FROM x\nARG V\nENV NODE_TLS_REJECT_UNAUTHORIZED=$V\n', id), []);
    assert.deepEqual(ranges('FROM x\nENV NODE_TLS_REJECT_UNAUTHORIZED=1 GIT_SSL_NO_VERIFY=""\n', id), []);
  });
  it('flags settings written into configuration files, not messages', () => {
    assert.deepEqual(ranges(run('echo "sslverify=0" >> /etc/dnf/dnf.conf'), id), ['2:11-2:22']);
    assert.deepEqual(ranges(run('echo "sslverify=0"'), id), []);
    assert.deepEqual(ranges(run('echo insecure >> ~/.curlrc'), id), ['2:10-2:18']);
    assert.deepEqual(ranges(run('echo insecure >> /tmp/notes'), id), []);
  });
});

describe('signature-verification-disabled', () => {
  const id = 'signature-verification-disabled';
  it('removes the option word, or the -o pair', () => {
    assert.equal(applyOnly(run('apk add --allow-untrusted curl'), id), run('apk add curl'));
    assert.equal(applyOnly(run('apt-get -o APT::Get::AllowUnauthenticated=true install -y curl'), id), run('apt-get install -y curl'));
    assert.equal(applyOnly(run('dnf install -y --nogpgcheck curl'), id), run('dnf install -y curl'));
    assert.deepEqual(ranges(run('apt-get install -y --allow-unauthenticated curl'), id), ['2:24-2:47']);
  });
  it('keeps repository and local-build cases apart', () => {
    assert.deepEqual(ranges(run('apk index --allow-untrusted -o APKINDEX.tar.gz *.apk'), id), []);
    assert.deepEqual(ranges(run('apk add --allow-untrusted /tmp/packages/*.apk'), id), [], 'built by the build');
    const downloaded = run('curl -O https://x/p.apk && apk add --allow-untrusted p.apk');
    assert.equal(ranges(downloaded, id).length, 1);
    assert.deepEqual(findingsOf(downloaded, id)[0].fixes, [], 'an unsigned file would no longer install');
    assert.deepEqual(ranges(run('curl -O https://x/p.apk && curl -O https://x/p.apk.sig && gpg --verify p.apk.sig p.apk && apk add --allow-untrusted p.apk'), id), []);
  });
  it('reads [trusted=yes], gpgcheck and sed replacements precisely', () => {
    assert.deepEqual(ranges(run('echo "deb [trusted=yes] https://r/ ./" > /etc/apt/sources.list.d/r.list'), id), ['2:16-2:27']);
    assert.deepEqual(ranges(run('echo "deb [trusted=yes] file:///tmp/r ./" > /etc/apt/sources.list.d/r.list'), id), []);
    assert.deepEqual(ranges(run("sed -i 's/gpgcheck=1/gpgcheck=0/' /etc/yum.repos.d/r.repo"), id), ['2:26-2:36']);
    assert.deepEqual(ranges(run("sed -i 's/gpgcheck=0/gpgcheck=1/' /etc/yum.repos.d/r.repo"), id), []);
    assert.deepEqual(ranges(run('echo "repo_gpgcheck=0" >> /etc/yum.repos.d/r.repo'), id), []);
  });
});

describe('plain-http', () => {
  const id = 'plain-http';
  it('offers https:// as a refactor only', () => {
    const text = run('curl -fsSL http://example.com/a | tar x');
    const [f] = findingsOf(text, id);
    assert.equal(formatRange(f), '2:16-2:36');
    assert.deepEqual(f.fixes.map((x) => x.kind), ['refactor']);
    assert.equal(applyOnly(text, id, 'refactor'), run('curl -fsSL https://example.com/a | tar x'));
    assert.equal(fixAll(text).text.includes('http://'), true, 'fix-all leaves refactors alone');
  });
  it('resolves ARG/ENV URLs and skips unknown hosts, loopback and verified downloads', () => {
    assert.deepEqual(ranges('FROM x\nARG U=http://example.com/a\nRUN curl "$U" | tar x\n', id), ['3:10-3:14']);
    assert.deepEqual(findingsOf('FROM x\nARG U=http://example.com/a\nRUN curl "$U" | tar x\n', id)[0].fixes, []);
    assert.deepEqual(ranges(run('curl "http://$HOST/a" | tar x'), id), []);
    assert.deepEqual(ranges(run('curl http://localhost:8080/ && curl http://127.0.0.1/'), id), []);
    assert.deepEqual(ranges(run('curl -o a http://example.com/a && echo "$S  a" | sha256sum -c -'), id), []);
  });
  it('does not flag signed package repositories', () => {
    assert.deepEqual(ranges(run('echo "deb http://deb.debian.org/debian bookworm main" > /etc/apt/sources.list && apk add --repository http://dl-cdn.alpinelinux.org/alpine/edge/testing x'), id), []);
  });
});

describe('add-remote and add-archive', () => {
  it('add-remote rewrites to RUN curl with a checksum placeholder, as a refactor', () => {
    const text = 'FROM debian:12\nADD https://example.com/dl/tool.tgz /opt/\n';
    const [f] = findingsOf(text, 'add-remote');
    assert.equal(formatRange(f), '2:5-2:36');
    assert.deepEqual(f.fixes.map((x) => x.kind), ['refactor']);
    assert.equal(applyOnly(text, 'add-remote', 'refactor'),
      'FROM debian:12\nRUN curl -fsSL --create-dirs -o /opt/tool.tgz https://example.com/dl/tool.tgz && echo "<sha256>  /opt/tool.tgz" | sha256sum -c -\n');
  });
  it('add-remote owns ADD <url>: download-unverified stays quiet, plain-http reports the transport', () => {
    const text = 'FROM debian:12\nADD http://example.com/tool.tgz /opt/\n';
    assert.deepEqual(lintStrict(text).filter((f) => IDS.includes(f.ruleId as Id)).map((f) => f.ruleId).sort(), ['add-remote', 'plain-http']);
  });
  it('add-remote offers no rewrite where RUN cannot run it', () => {
    for (const from of ['scratch', 'gcr.io/distroless/static-debian12', 'mcr.microsoft.com/windows/servercore:ltsc2022']) {
      assert.deepEqual(findingsOf(`FROM ${from}\nADD https://example.com/a /a\n`, 'add-remote')[0].fixes, [], from);
    }
    assert.deepEqual(findingsOf('FROM debian:12\nADD https://example.com/a https://example.com/b /d/\n', 'add-remote')[0].fixes, []);
  });
  it('add-archive rewrites to COPY and tar, keeping the destination', () => {
    const text = 'FROM debian:12\nADD vendor.tar.gz /opt/vendor\n';
    assert.equal(applyOnly(text, 'add-archive', 'refactor'),
      'FROM debian:12\nCOPY vendor.tar.gz /tmp/vendor.tar.gz\nRUN mkdir -p /opt/vendor && tar -xf /tmp/vendor.tar.gz -C /opt/vendor && rm /tmp/vendor.tar.gz\n');
    assert.deepEqual(ranges('FROM scratch\nADD rootfs.tar.gz /\n', 'add-archive'), []);
    assert.deepEqual(ranges('FROM base AS b\nFROM scratch AS s\nFROM s\nADD rootfs.tar.gz /\n', 'add-archive'), [], 'built on a scratch stage');
  });
});

describe('credentials-in-url', () => {
  it('finds literal passwords and tokens, not variables or user names', () => {
    const spans = (text: string) => credentialsIn(text).map((h) => text.slice(h.start, h.end));
    assert.deepEqual(spans('https://u:p4ss@h/x'), ['u:p4ss']);
    assert.deepEqual(spans('https://x-access-token:ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/o/r'), ['x-access-token:ghp_0123456789abcdefghijABCDEFGHIJ012345']);
    assert.deepEqual(spans('https://h/x?a=1&private_token=abc'), ['private_token=abc']);
    assert.deepEqual(spans('https://h/ghp_0123456789abcdefghijABCDEFGHIJ012345/x'), ['ghp_0123456789abcdefghijABCDEFGHIJ012345']);
    for (const safe of ['https://u:$T@h/', 'https://u:${T}@h/', 'https://u@h/', 'git@github.com:o/r.git', 'https://h:8443/a@b', 'https://u:<password>@h/', 'https://h/x?token=$T', 'token=abc']) {
      assert.deepEqual(spans(safe), [], safe);
    }
  });
  it('reports the credential part in RUN, ENV and ADD, and ignores comments', () => {
    assert.deepEqual(ranges('FROM x\nENV U=https://a:b1@h/\n', 'credentials-in-url'), ['2:15-2:19']);
    assert.deepEqual(ranges('FROM x\nRUN git clone https://a:b1@h/r \\\n  # https://c:d1@h/\n  /src\n', 'credentials-in-url'), ['2:23-2:27']);
    assert.deepEqual(ranges('FROM x\nADD https://a:b1@h/f /f\n', 'credentials-in-url'), ['2:13-2:17']);
  });
});

describe('integrity rules: no double report for one reason', () => {
  it('gives each rule its own ranges and each range one finding per rule', () => {
    const text = [
      'FROM debian:12',
      'RUN curl -k http://example.com/i.sh | sh',
      'RUN curl -o /tmp/a http://u:pw@example.com/a',
      'ADD http://example.com/a.tgz /opt/',
      'ADD local.tar.gz /opt/',
      '',
    ].join('\n');
    const mine = lintStrict(text).filter((f) => IDS.includes(f.ruleId as Id));
    const keys = mine.map((f) => `${f.ruleId}@${formatRange(f)}`);
    assert.equal(new Set(keys).size, keys.length);
    assert.deepEqual(mine.map((f) => f.ruleId).sort(), [
      'add-archive', 'add-remote', 'credentials-in-url', 'download-unverified', 'pipe-to-shell', 'plain-http', 'plain-http', 'plain-http',
      'tls-verification-disabled',
    ]);
  });
});

describe('integrity rules: corpus round trip', () => {
  const files = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).sort() : [];

  it('every fix removes exactly its finding and adds no other', { skip: files.length === 0 && 'corpus not found' }, () => {
    const totals = new Map<string, { findings: number; fixes: number }>(IDS.map((id) => [id, { findings: 0, fixes: 0 }]));
    const count = (list: Finding[]) => {
      const m = new Map<string, number>();
      for (const f of list) m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1);
      return m;
    };
    for (const file of files) {
      const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
      const all = lintStrict(text);
      const before = count(all);
      for (const finding of all.filter((f) => IDS.includes(f.ruleId as Id))) {
        const total = totals.get(finding.ruleId)!;
        total.findings++;
        for (const fix of finding.fixes) {
          total.fixes++;
          const after = count(lintStrict(applyEdits(text, fix.edits)));
          assert.equal(after.get(finding.ruleId) ?? 0, (before.get(finding.ruleId) ?? 0) - 1, `${file}: ${fix.title} at ${formatRange(finding)}`);
          for (const [other, n] of after) {
            if (other !== finding.ruleId) assert.ok(n <= (before.get(other) ?? 0), `${file}: ${fix.title} adds a ${other} finding`);
          }
        }
      }
      const only = (r: string) => IDS.includes(r as Id);
      const once = fixAll(text, {}, only).text;
      assert.equal(fixAll(once, {}, only).text, once, `${file}: fix-all is not stable`);
    }
    // Kept loose on purpose: the numbers are for the log, the assertions above are the test.
    console.log(`integrity rules on the corpus (${files.length} files): ${[...totals].map(([id, t]) => `${id} ${t.findings}/${t.fixes} fixes`).join(', ')}`);
    assert.ok(totals.get('download-unverified')!.findings > 0, 'no download-unverified finding at all: is the rule running?');
  });
});
