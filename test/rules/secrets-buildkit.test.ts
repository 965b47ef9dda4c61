// Focused tests of the secrets, BuildKit and health-check rules (secret-in-arg-env, secret-file-copy,
// ssh-mount, syntax-directive, healthcheck, healthcheck-multiple) and of shared/buildkit.ts, plus a
// false-positive and fix round-trip sweep over the real-world corpus.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import { directiveLine, parserDirectives, syntaxDirectiveEdit, syntaxSupports, SYNTAX_DIRECTIVE } from '../../shared/buildkit';
import fc from 'fast-check';
import { DockerfileModel } from '../../shared/dockerfile';
import { fixAll } from '../../shared/engine';
import { credentialIn, isSecretName, nameTokens } from '../../shared/rules/secret-in-arg-env';
import { secretFileKind } from '../../shared/rules/secret-file-copy';
import { serverIn } from '../../shared/rules/healthcheck';
import { applyEdits } from '../../shared/textDocument';
import type { Finding } from '../../shared/types';
import { CORPUS, findingsOf, lintStrict, loadEngine } from '../helpers';

before(loadEngine);

const MY_RULES = ['secret-in-arg-env', 'secret-file-copy', 'ssh-mount', 'syntax-directive', 'healthcheck', 'healthcheck-multiple'];
const countDirectives = (text: string) => text.split(/\r?\n/).filter((l) => /^#\s*syntax\s*=/.test(l)).length;
const quickfix = (f: Finding) => f.fixes.find((x) => x.kind === 'quickfix');

describe('buildkit helpers', () => {
  it('reads the parser directives as BuildKit does', () => {
    const names = (text: string) => parserDirectives(new DockerfileModel(text)).map((d) => `${d.name}=${d.value}`);
    assert.deepEqual(names('# escape=`\n# syntax = docker/dockerfile:1.7\n# check=skip=all\nFROM a\n'), ['escape=`', 'syntax=docker/dockerfile:1.7', 'check=skip=all']);
    assert.deepEqual(names('# hello\n# syntax=docker/dockerfile:1\nFROM a\n'), [], 'a comment ends the directives');
    assert.deepEqual(names('\n# syntax=docker/dockerfile:1\nFROM a\n'), [], 'so does a blank line');
    assert.deepEqual(names('# foo=bar\n# syntax=docker/dockerfile:1\nFROM a\n'), [], 'an unknown directive is a comment');
    assert.deepEqual(names('# SYNTAX=docker/dockerfile:1\nFROM a\n'), ['syntax=docker/dockerfile:1'], 'names are case-insensitive');
    assert.deepEqual(names('\uFEFF# syntax=docker/dockerfile:1\nFROM a\n'), ['syntax=docker/dockerfile:1'], 'after a BOM');
  });

  it('inserts the directive after the other directives, once', () => {
    const insert = (text: string) => {
      const edit = syntaxDirectiveEdit(new DockerfileModel(text));
      return edit ? applyEdits(text, [edit]) : text;
    };
    assert.equal(insert('FROM a\n'), `${SYNTAX_DIRECTIVE}\nFROM a\n`);
    assert.equal(insert('# comment\nFROM a\n'), `${SYNTAX_DIRECTIVE}\n# comment\nFROM a\n`);
    assert.equal(insert('# escape=`\n\nFROM a\n'), `# escape=\`\n${SYNTAX_DIRECTIVE}\n\nFROM a\n`);
    assert.equal(insert('# check=skip=all\r\nFROM a\r\n'), `# check=skip=all\r\n${SYNTAX_DIRECTIVE}\r\nFROM a\r\n`);
    assert.equal(insert('# escape=`'), `# escape=\`\n${SYNTAX_DIRECTIVE}`);
    assert.equal(insert('\uFEFFFROM a\n'), `\uFEFF${SYNTAX_DIRECTIVE}\nFROM a\n`);
    assert.equal(insert(''), `${SYNTAX_DIRECTIVE}\n`);
    assert.equal(syntaxDirectiveEdit(new DockerfileModel('# syntax=example.com/my/frontend\nFROM a\n')), null);
  });

  it('knows which Dockerfile syntax supports secret env mounts (1.10+)', () => {
    const supports = (text: string) => syntaxSupports(new DockerfileModel(`${text}\nFROM a\n`), 10);
    assert.equal(supports(''), true, 'no directive: the fix adds docker/dockerfile:1');
    for (const ok of ['# syntax=docker/dockerfile:1', '# syntax=docker/dockerfile:1.10', '# syntax=docker.io/docker/dockerfile:1.12-labs', '# syntax=docker/dockerfile:latest', '# syntax=docker/dockerfile-upstream:1.14.1']) {
      assert.equal(supports(ok), true, ok);
    }
    for (const old of ['# syntax=docker/dockerfile:1.2', '# syntax=docker/dockerfile:1.9.0', '# syntax=docker/dockerfile:1.4-labs']) assert.equal(supports(old), false, old);
    assert.equal(supports('# syntax=example.com/custom/frontend:2'), null);
  });

  it('fix-all of three rules that each add the directive leaves exactly one', () => {
    const text = [
      '# builds the service',
      'FROM node:20-bookworm-slim',
      'WORKDIR /app',
      'RUN git clone git@github.com:org/plugins.git /app/plugins',
      'ARG NPM_TOKEN',
      'RUN --mount=type=cache,target=/root/.npm NPM_TOKEN="$NPM_TOKEN" npm ci',
      'USER node',
      'CMD ["node", "server.js"]',
      '',
    ].join('\n');
    for (const eol of ['\n', '\r\n']) {
      const input = text.replace(/\n/g, eol);
      const before = lintStrict(input).map((f) => f.ruleId);
      for (const id of ['secret-in-arg-env', 'ssh-mount', 'syntax-directive']) assert.ok(before.includes(id), id);
      for (const only of [undefined, (id: string) => ['secret-in-arg-env', 'ssh-mount', 'syntax-directive'].includes(id)]) {
        const fixed = fixAll(input, {}, only).text;
        assert.equal(countDirectives(fixed), 1, fixed);
        assert.ok(fixed.startsWith(`${SYNTAX_DIRECTIVE}${eol}# builds the service`), fixed);
        assert.match(fixed, /RUN --mount=type=ssh git clone/);
        assert.match(fixed, /RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN --mount=type=cache/);
        assert.doesNotMatch(fixed, /ARG NPM_TOKEN/);
        const after = lintStrict(fixed).map((f) => f.ruleId);
        for (const id of ['secret-in-arg-env', 'ssh-mount', 'syntax-directive']) assert.ok(!after.includes(id), `${id} left after fix-all`);
      }
    }
  });
});

describe('parser directive lines', () => {
  it('are read as the regular expression they replaced read them, in linear time', () => {
    // Quadratic on long runs of blanks followed by something else (see directiveLine).
    const OLD = /^[ \t]*#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$/;
    const unit = fc.constantFrom(' ', '\t', 'a', 'Z', '1', '=', ':', '/', '\\', '#', '\u2028', '\r', '\n', '-');
    fc.assert(fc.property(fc.string({ unit, maxLength: 20 }), fc.constantFrom('', '# ', '#', ' #\t', '# syntax', '#check ='), (text, prefix) => {
      const line = prefix + text;
      const old = OLD.exec(line);
      assert.deepEqual(directiveLine(line), old ? { name: old[1], value: old[2] } : null, JSON.stringify(line));
    }), { numRuns: 3000, seed: 1128008 });
  });
});

describe('secret-in-arg-env', () => {
  it('splits names into tokens', () => {
    assert.deepEqual(nameTokens('NPM_AUTH_TOKEN'), ['npm', 'auth', 'token']);
    assert.deepEqual(nameTokens('dbPassword'), ['db', 'password']);
    assert.deepEqual(nameTokens('APIKey'), ['api', 'key']);
    assert.deepEqual(nameTokens('private-key.pem'), ['private', 'key', 'pem']);
  });

  it('recognises secret names', () => {
    const secret = [
      'NPM_TOKEN', 'GITHUB_TOKEN', 'DB_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'DB_PASS', 'DB_PWD', 'SECRET_KEY_BASE', 'API_KEY',
      'APIKEY', 'apiKey', 'AUTH', 'NPM_AUTH', 'AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SESSION_TOKEN', 'PRIVATE_KEY',
      'SSH_PRIVATE_KEY', 'SSH_KEY', 'DEPLOY_KEY', 'RAILS_MASTER_KEY', 'APP_KEY', 'CREDENTIALS', 'DOCKER_CREDS', 'DBPASSWORD',
      'clientSecret', 'VAULT_SECRET_ID', 'USER_PASSWORD', 'ADMIN_USER_PASSWORD', 'RABBITMQ_DEFAULT_PASS', 'PGPASSWORD', 'GPG_PASSPHRASE', 'NEXTAUTH_SECRET', 'ENCRYPTION_KEY', 'NEW_RELIC_LICENSE_KEY',
    ];
    const notSecret = [
      'GPG_KEY', 'GPG_KEYS', 'LLVM_KEY', 'STACK_RELEASE_KEY', 'RABBITMQ_PGP_KEY_ID', 'PGP_KEYSERVER', 'SOLR_KEYS', 'KEY',
      'PWD', 'OLDPWD', 'BYPASS4NETNS_VERSION', 'TOKEN_URL', 'OAUTH_TOKEN_URL', 'DB_PASSWORD_FILE', 'SECRETS_DIR',
      'PASSWORD_MIN_LENGTH', 'MYSQL_ALLOW_EMPTY_PASSWORD', 'MYSQL_RANDOM_ROOT_PASSWORD', 'TOKENIZERS_PARALLELISM',
      'AUTH_ENABLED', 'AUTH_TYPE', 'AUTHOR', 'OAUTH_CLIENT_ID', 'SSH_AUTH_SOCK', 'GOOGLE_APPLICATION_CREDENTIALS',
      'NEXT_PUBLIC_API_KEY', 'PUBLIC_KEY', 'AWS_SHARED_CREDENTIALS_FILE', 'GIT_CREDENTIAL_HELPER', 'PASSWORD_STORE_DIR',
      'TOKEN_ENDPOINT', 'SECRET_NAME', 'AUTH_USER', 'BASIC_AUTH_USERNAME', 'TOKEN_ID', 'ACCESS_TOKEN_EXPIRE_MINUTES',
    ];
    for (const name of secret) assert.equal(isSecretName(name), true, name);
    for (const name of notSecret) assert.equal(isSecretName(name), false, name);
  });

  it('recognises credential-shaped values', () => {
    const found = (v: string) => credentialIn(v)?.what.en ?? null;
    assert.equal(found('AKIAIOSFODNN7EXAMPLE'), 'an AWS access key id');
    assert.equal(found('token=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB'), 'a GitHub token');
    assert.equal(found('github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'), 'a GitHub token');
    assert.equal(found('xoxp-1234567890-abcdefghij'), 'a Slack token');
    assert.equal(found('-----BEGIN RSA PRIVATE KEY-----\\nMIIE'), 'a private key');
    assert.equal(found('glpat-abcdefghij0123456789'), 'a GitLab token');
    for (const harmless of ['7169605F62C751356D054A26A821E680E5FA6305', 'AKIA-not-a-key', '-----BEGIN PUBLIC KEY-----', 'ghp_short', 'https://example.com']) {
      assert.equal(found(harmless), null, harmless);
    }
    assert.equal(credentialIn('prefix AKIAIOSFODNN7EXAMPLE')!.index, 7);
  });

  it('reports the name, or the value for credential-shaped values', () => {
    const [byName] = findingsOf('FROM alpine\nENV API_TOKEN=abc AKIA=1\n', 'secret-in-arg-env');
    assert.deepEqual(byName.range, { start: { line: 1, character: 4 }, end: { line: 1, character: 13 } });
    const [byValue] = findingsOf('FROM alpine\nENV REGION=eu ID="AKIAIOSFODNN7EXAMPLE"\n', 'secret-in-arg-env');
    assert.deepEqual(byValue.range, { start: { line: 1, character: 18 }, end: { line: 1, character: 38 } });
    assert.equal(findingsOf('FROM registry:2\nENV REGISTRY_AUTH=htpasswd REGISTRY_AUTH_HTPASSWD_REALM="Registry Realm"\n', 'secret-in-arg-env').length, 0, 'an auth method');
    assert.equal(findingsOf('FROM alpine\nENV COMPOSER_AUTH=\'{"github-oauth": {"github.com": "abc"}}\'\n', 'secret-in-arg-env').length, 1);
    assert.equal(findingsOf('FROM alpine\nARG NPM_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB\n', 'secret-in-arg-env').length, 1, 'one finding per variable');
  });

  it('offers the mount fix only when it is mechanical and safe', () => {
    const fixOf = (text: string) => findingsOf(text, 'secret-in-arg-env')[0]?.fixes[0]?.kind ?? null;
    const run = 'RUN curl -H "Authorization: Bearer $API_TOKEN" https://example.com/file -o /file';
    assert.equal(fixOf(`FROM alpine\nARG API_TOKEN\n${run}\n`), 'quickfix');
    assert.equal(fixOf(`FROM alpine\nARG API_TOKEN\n${run}\nRUN ./install.sh\n`), 'refactor', 'another RUN may read it implicitly');
    assert.equal(fixOf(`FROM alpine\nARG API_TOKEN=changeme\n${run}\n`), null, 'has a default');
    assert.equal(fixOf(`ARG API_TOKEN\nFROM alpine\n${run}\n`), null, 'global ARG');
    assert.equal(fixOf(`ARG API_TOKEN=x\nFROM alpine\nARG API_TOKEN\n${run}\n`), null, 'global default');
    assert.equal(fixOf(`FROM alpine\nARG API_TOKEN\nLABEL token=$API_TOKEN\n${run}\n`), null, 'used outside RUN');
    assert.equal(fixOf('FROM alpine\nARG API_TOKEN\nRUN ./fetch.sh\n'), null, 'no RUN names it');
    assert.equal(fixOf(`FROM alpine\nARG API_TOKEN OTHER\n${run}\n`), null, 'several names in one ARG');
    assert.equal(fixOf(`# syntax=docker/dockerfile:1.9\nFROM alpine\nARG API_TOKEN\n${run}\n`), null, 'env= needs 1.10');
    assert.equal(fixOf('FROM alpine\nENV API_TOKEN=abc\nRUN echo $API_TOKEN\n'), null, 'ENV: the value must leave the file');
    const [finding] = findingsOf(`FROM alpine\nARG API_TOKEN\n${run}\n`, 'secret-in-arg-env');
    assert.equal(applyEdits(`FROM alpine\nARG API_TOKEN\n${run}\n`, quickfix(finding)!.edits),
      `${SYNTAX_DIRECTIVE}\nFROM alpine\nRUN --mount=type=secret,id=api_token,env=API_TOKEN ${run.slice(4)}\n`);
  });
});

describe('secret-file-copy', () => {
  it('classifies file names', () => {
    const cases: Array<[string, string | null]> = [
      ['id_rsa', 'ssh'], ['keys/id_ed25519', 'ssh'], ['id_rsa.pub', null], ['.ssh', 'sshdir'], ['.ssh/', 'sshdir'],
      ['.npmrc', 'npmrc'], ['.pypirc', 'npmrc'], ['.netrc', 'credentials'], ['.git-credentials', 'credentials'],
      ['.env', 'env'], ['.env.local', 'env'], ['.env.production', 'env'], ['.env.example', null], ['.env.sample', null],
      ['.env.template', null], ['.env.dist', null], ['*.env', null], ['prod.env', null], ['15-local-resolvers.envsh', null],
      ['.aws/credentials', 'cloud'], ['.aws', 'cloud'], ['credentials.json', 'cloud'], ['gcp-service-account.json', 'cloud'],
      ['.docker/config.json', 'docker'], ['.docker', null], ['.docker/nginx.conf', null],
      ['kubeconfig', 'kube'], ['kubeconfig.yaml', 'kube'], ['.kube/config', 'kube'], ['copy-kube-config.sh', null],
      ['server.key', 'key'], ['ca.key', 'key'], ['config/master.key', 'key'], ['certs/*.key', 'key'],
      ['nginx_public_keys.key', null], ['nodesource-repo.gpg.key', null], ['Release.key', null], ['yarn-pubkey.gpg.key', null],
      ['privkey.pem', 'key'], ['server-key.pem', 'key'], ['tls.key.pem', 'key'], ['cert.pem', null], ['fullchain.pem', null],
      ['ca.pem', null], ['public-key.pem', null], ['*.pem', null],
      ['keystore.p12', 'keystore'], ['client.pfx', 'keystore'], ['app.keystore', 'keystore'], ['keystore.jks', 'keystore'],
      ['truststore.jks', null], ['src/', null], ['.', null],
    ];
    for (const [p, kind] of cases) assert.equal(secretFileKind(p), kind, p);
  });
});

describe('ssh-mount', () => {
  const flagged = (run: string) => findingsOf(`FROM alpine\n${run}\n`, 'ssh-mount').length;
  it('flags SSH use and nothing else', () => {
    for (const run of [
      'RUN git clone git@github.com:org/repo.git', 'RUN git clone --depth 1 ssh://git@example.com:2222/org/repo.git /src',
      'RUN git -c core.sshCommand="ssh -i /k" clone git@github.com:org/r.git', 'RUN git ls-remote git@github.com:org/r.git',
      'RUN git submodule add git@github.com:org/r.git lib/r', 'RUN sudo -u app git pull git@github.com:org/r.git main',
      'RUN ssh deploy@host.example.com uptime', 'RUN scp -P 2222 user@host:/file /file', 'RUN rsync -az -e ssh host:/data/ /data/',
      'RUN sftp -b batch user@host', 'RUN npm install git+ssh://git@github.com/org/pkg.git', 'RUN yarn add git@github.com:org/pkg.git',
      'RUN if true; then git fetch git@github.com:org/r.git; fi',
    ]) assert.equal(flagged(run), 1, run);
    for (const run of [
      'RUN git clone https://github.com/org/repo.git', 'RUN git fetch origin', 'RUN git submodule update --init',
      'RUN ssh-keyscan github.com >> /etc/ssh/ssh_known_hosts', 'RUN ssh-keygen -A', 'RUN ssh -V', 'RUN rsync -a /src/ /dst/',
      'RUN rsync -a rsync://mirror.example.com/pub/ /pub/', 'RUN rsync -a mirror.example.com::module/ /pub/',
      'RUN echo git@github.com:org/repo.git', 'RUN --mount=type=ssh,id=github git clone git@github.com:org/r.git',
      'RUN --mount=type=secret,id=key,target=/root/.ssh/id_rsa git clone git@github.com:org/r.git',
      'RUN git clone "$REPO"', 'RUN pip install git+https://github.com/org/pkg.git',
    ]) assert.equal(flagged(run), 0, run);
  });
});

describe('healthcheck', () => {
  it('recognises servers started by CMD/ENTRYPOINT', () => {
    assert.equal(serverIn(['nginx', '-g', 'daemon off;']), 'nginx');
    assert.equal(serverIn(['/usr/local/bin/apache2-foreground']), 'apache2-foreground');
    assert.equal(serverIn(['tini', '--', 'gunicorn', 'app:app']), 'gunicorn');
    assert.equal(serverIn(['sh', '-c', 'exec uvicorn main:app --host 0.0.0.0']), 'uvicorn');
    assert.equal(serverIn(['python3', '-m', 'http.server', '8000']), 'python -m http.server');
    assert.equal(serverIn(['bundle', 'exec', 'rails', 'server']), 'rails server');
    assert.equal(serverIn(['node', 'server.js']), null);
    assert.equal(serverIn(['java', '-jar', 'app.jar']), null);
    assert.equal(serverIn([]), null);
  });

  it('chooses the probe by what the image has', () => {
    const probe = (text: string) => {
      const [finding] = findingsOf(text, 'healthcheck');
      if (!finding) return 'not flagged';
      const fix = finding.fixes[0];
      if (!fix) return 'no fix';
      return `${fix.kind}: ${fix.edits[0].newText.trim().replace(/^HEALTHCHECK .*? CMD /, '')}`;
    };
    assert.equal(probe('FROM python:3.12\nEXPOSE 8000\n'), 'quickfix: curl -sS -o /dev/null http://localhost:8000/ || exit 1');
    assert.equal(probe('FROM python:3.12-slim\nEXPOSE 8000\n'), 'refactor: curl -sS -o /dev/null http://localhost:8000/ || exit 1');
    assert.equal(probe('FROM alpine\nEXPOSE 8080\nCMD ["caddy", "run"]\n'), 'quickfix: wget -q --spider http://localhost:8080/ || exit 1');
    assert.equal(probe('FROM alpine\nRUN apk add --no-cache curl\nEXPOSE 8080\n'), 'quickfix: curl -sS -o /dev/null http://localhost:8080/ || exit 1');
    assert.equal(probe('FROM alpine\nRUN apk add --no-cache --virtual .deps curl\nEXPOSE 8080\n'), 'refactor: wget -q --spider http://localhost:8080/ || exit 1');
    assert.equal(probe('FROM fedora:40\nEXPOSE 8080\n'), 'quickfix: curl -sS -o /dev/null http://localhost:8080/ || exit 1');
    assert.equal(probe('FROM debian:12\nRUN apt-get update && apt-get install -y curl\nEXPOSE 7777\n'), 'refactor: curl -sS -o /dev/null http://localhost:7777/ || exit 1');
    assert.equal(probe('FROM debian:12\nRUN apt-get update && apt-get install -y curl\nEXPOSE 443 80\n'), 'no fix');
    assert.equal(probe('FROM scratch\nEXPOSE 8080\n'), 'no fix');
    assert.equal(probe('FROM cgr.dev/chainguard/nginx\nEXPOSE 8080\n'), 'no fix');
    assert.equal(probe('FROM alpine\nEXPOSE 8080\nHEALTHCHECK NONE\n'), 'not flagged');
    assert.equal(probe('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nEXPOSE 80\n'), 'not flagged');
    assert.equal(probe('FROM alpine\nCMD ["./cli"]\n'), 'not flagged');
    assert.equal(probe('FROM mcr.microsoft.com/devcontainers/base:bookworm\nEXPOSE 3000\n'), 'not flagged');
  });
});

describe('healthcheck-multiple', () => {
  it('reports every replaced HEALTHCHECK of a stage on its keyword', () => {
    const text = 'FROM alpine\nHEALTHCHECK CMD true\nHEALTHCHECK NONE\nHEALTHCHECK CMD false\nFROM alpine\nHEALTHCHECK CMD true\n';
    const found = findingsOf(text, 'healthcheck-multiple');
    assert.deepEqual(found.map((f) => f.range.start.line), [1, 2]);
    assert.deepEqual(found[0].range, { start: { line: 1, character: 0 }, end: { line: 1, character: 11 } });
    assert.equal(fixAll(text, {}, (id) => id === 'healthcheck-multiple').text, 'FROM alpine\nHEALTHCHECK CMD false\nFROM alpine\nHEALTHCHECK CMD true\n');
  });
});

describe('corpus', () => {
  const files = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).sort() : [];

  it('every fix of these rules removes its finding and adds none', { skip: files.length === 0 ? 'corpus not available' : false }, (t) => {
    const counts = new Map<string, number>();
    const fixes = new Map<string, number>();
    const byRule = (findings: Finding[]) => findings.reduce((m, f) => m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1), new Map<string, number>());
    for (const file of files) {
      const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
      const all = lintStrict(text);
      const mine = all.filter((f) => MY_RULES.includes(f.ruleId));
      if (!mine.length) continue;
      const before = byRule(all);
      for (const finding of mine) {
        counts.set(finding.ruleId, (counts.get(finding.ruleId) ?? 0) + 1);
        for (const fix of finding.fixes) {
          fixes.set(`${finding.ruleId} ${fix.kind}`, (fixes.get(`${finding.ruleId} ${fix.kind}`) ?? 0) + 1);
          const fixed = applyEdits(text, fix.edits);
          const after = byRule(lintStrict(fixed));
          assert.equal(after.get(finding.ruleId) ?? 0, before.get(finding.ruleId)! - 1, `${file}: "${fix.title}" must remove its finding`);
          for (const [rule, n] of after) assert.ok(n <= (before.get(rule) ?? 0), `${file}: "${fix.title}" adds a ${rule} finding`);
          assert.ok(countDirectives(fixed) <= 1, `${file}: "${fix.title}" adds a second syntax directive`);
        }
      }
      if (mine.some((f) => f.fixes.some((x) => x.kind === 'quickfix'))) {
        const once = fixAll(text, {}, (id) => MY_RULES.includes(id)).text;
        assert.equal(fixAll(once, {}, (id) => MY_RULES.includes(id)).text, once, `${file}: fix-all is not stable`);
        assert.ok(countDirectives(once) <= 1, `${file}: fix-all leaves two syntax directives`);
      }
    }
    t.diagnostic(`findings: ${JSON.stringify(Object.fromEntries(counts))}; fixes: ${JSON.stringify(Object.fromEntries(fixes))} over ${files.length} files`);
  });
});
