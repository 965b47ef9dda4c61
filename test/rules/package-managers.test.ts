// Focused tests of the privilege and package-manager rules (no-sudo, world-writable, no-upgrade,
// apt-no-recommends, apt-assume-yes, package-cache), the shell helpers they share (shell/commands.ts,
// shell/edits.ts), a fix-all over all of them together, and a round trip over the real-world corpus.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import { DockerfileModel } from '../../shared/dockerfile';
import { fixAll } from '../../shared/engine';
import type { Rule } from '../../shared/rule';
import { aptAssumeYes } from '../../shared/rules/apt-assume-yes';
import { aptNoRecommends } from '../../shared/rules/apt-no-recommends';
import { noSudo } from '../../shared/rules/no-sudo';
import { isFullUpgrade, noUpgrade } from '../../shared/rules/no-upgrade';
import { packageCache } from '../../shared/rules/package-cache';
import { isWorldWritableMode, worldWritable } from '../../shared/rules/world-writable';
import { hasOption, packageManagerCall, pipCall, removedPaths, removesFolder } from '../../shared/shell/commands';
import { appendToChain, removeCommands, statementOf } from '../../shared/shell/edits';
import { parseShell, type ShellCommand } from '../../shared/shell/parser';
import { applyEdits } from '../../shared/textDocument';
import type { Finding } from '../../shared/types';
import { CORPUS, findingsOf, formatRange, lintStrict, loadEngine } from '../helpers';

before(loadEngine);

const MINE = ['no-sudo', 'world-writable', 'no-upgrade', 'apt-no-recommends', 'apt-assume-yes', 'package-cache'];

const ranges = (text: string, id: string) => findingsOf(text, id).map(formatRange);
const flagged = (id: string, text: string) => findingsOf(text, id).length > 0;

/** The text after the only quick fix of the only finding of `id`. */
function fixed(id: string, text: string): string {
  const found = findingsOf(text, id);
  assert.equal(found.length, 1, `expected one ${id} finding, got ${found.map(formatRange).join(' ')}`);
  const fix = found[0].fixes.find((f) => f.kind === 'quickfix');
  assert.ok(fix, 'expected a quick fix');
  return applyEdits(text, fix.edits);
}

function quickfixes(text: string, id: string): number {
  return findingsOf(text, id).filter((f) => f.fixes.some((x) => x.kind === 'quickfix')).length;
}

function command(source: string, index = 0): ShellCommand {
  return parseShell(source).commands[index];
}

describe('package-manager rules: metadata', () => {
  const cases: Array<[Rule, string, string[], string, boolean]> = [
    [noSudo, 'no-sudo', ['3.1.2', '2.1.3'], 'warning', true],
    [worldWritable, 'world-writable', ['3.1.2', '2.2.2'], 'warning', false],
    [noUpgrade, 'no-upgrade', ['3.1.3', '2.1.5'], 'warning', true],
    [aptNoRecommends, 'apt-no-recommends', ['3.1.3'], 'info', true],
    [aptAssumeYes, 'apt-assume-yes', ['3.1.3'], 'warning', true],
    [packageCache, 'package-cache', ['3.1.3'], 'info', true],
  ];
  for (const [rule, id, sections, severity, fixable] of cases) {
    it(`${id} follows the spec`, () => {
      assert.equal(rule.meta.id, id);
      assert.deepEqual(rule.meta.sections, sections);
      assert.equal(rule.meta.severity, severity);
      assert.equal(rule.meta.fixable, fixable);
      for (const docs of [rule.meta.docs.en, rule.meta.docs.es]) {
        for (const text of [docs.title, docs.why, docs.how]) assert.ok(text.length > 15, text);
      }
      assert.notEqual(rule.meta.docs.en.how, rule.meta.docs.es.how);
    });
  }

  it('maps the other linters only where they check the same thing', () => {
    assert.deepEqual(noSudo.meta.equivalents, { hadolint: ['DL3004'], trivy: ['DS-0010'] });
    assert.deepEqual(worldWritable.meta.equivalents, {});
    assert.deepEqual(noUpgrade.meta.equivalents, { hadolint: ['DL3005'] });
    assert.deepEqual(aptNoRecommends.meta.equivalents, { hadolint: ['DL3015'] });
    assert.ok(aptAssumeYes.meta.equivalents.hadolint!.includes('DL3014'));
    assert.deepEqual(packageCache.meta.equivalents, { hadolint: ['DL3009', 'DL3019', 'DL3042', 'DL3032', 'DL3040'] });
  });

  it('no-upgrade explains the trade-off of dropping upgrades in its hover docs', () => {
    assert.match(noUpgrade.meta.docs.en.why, /trade-off/);
    assert.match(noUpgrade.meta.docs.en.why, /DL3005/);
    assert.match(noUpgrade.meta.docs.en.how, /newer release of the base image/);
    assert.match(noUpgrade.meta.docs.es.why, /compromiso/);
  });

  it('reports in both languages', () => {
    const text = 'FROM debian:12\nRUN sudo apt-get install -y --no-install-recommends curl\n';
    const [en] = findingsOf(text, 'no-sudo', { locale: 'en' });
    const [es] = findingsOf(text, 'no-sudo', { locale: 'es' });
    assert.match(en.message, /already runs as root/);
    assert.match(es.message, /ya se ejecuta como root/);
    assert.equal(en.fixes[0].title, 'Remove sudo');
    assert.equal(es.fixes[0].title, 'Quitar sudo');
    assert.equal(en.guideSection, '3.1.2');
  });
});

describe('shell helpers', () => {
  it('hasOption reads long options, =values and short clusters up to a value letter', () => {
    const words = (s: string) => command(`x ${s}`).args;
    assert.ok(hasOption(words('-y'), 'y'));
    assert.ok(hasOption(words('-qy'), 'y'));
    assert.ok(hasOption(words('--yes'), 'y', ['--yes']));
    assert.ok(hasOption(words('--no-cache-dir=1'), null, ['--no-cache-dir']));
    assert.ok(!hasOption(words('-oy'), 'y', [], 'o'), 'the y belongs to -o');
    assert.ok(!hasOption(words('--yesterday'), 'y', ['--yes']));
    assert.ok(!hasOption(words('"$FLAGS"'), 'y'));
  });

  it('pipCall finds pip under every name, with global options and through wrappers', () => {
    const call = pipCall(command('sudo python3.12 -u -m pip --no-color install -r req.txt flask'))!;
    assert.equal(call.tool, 'python3.12');
    assert.equal(call.subcommand, 'install');
    assert.deepEqual(call.operands.map((w) => w.value), ['flask']);
    assert.deepEqual(call.options.map((w) => w.value), ['--no-color', '-r', 'req.txt']);
    assert.equal(pipCall(command('pip3.11 install a'))!.subcommand, 'install');
    assert.equal(pipCall(command('python -m venv /v')), null);
    assert.equal(pipCall(command('pipx install a')), null);
    assert.equal(pipCall(command('python -c "import pip"')), null);
  });

  it('removedPaths lists what rm deletes, skipping what only the build knows', () => {
    assert.deepEqual(removedPaths(command('rm -rf -- /var/lib/apt/lists/* "$TMP" /tmp/x')), ['/var/lib/apt/lists/*', '/tmp/x']);
    assert.deepEqual(removedPaths(command('sudo rm -r /a')), ['/a']);
    assert.equal(removedPaths(command('rmdir /a')), null);
  });

  it('removesFolder accepts the folder, its entries, a parent, and globs inside it', () => {
    assert.ok(removesFolder('/var/lib/apt/lists/*', '/var/lib/apt/lists'));
    assert.ok(removesFolder('/var/lib/apt/lists', '/var/lib/apt/lists'));
    assert.ok(removesFolder('/var/lib/apt/', '/var/lib/apt/lists'));
    assert.ok(removesFolder('/var/lib/apt/lists/*.lz4', '/var/lib/apt/lists'));
    assert.ok(!removesFolder('/var/lib/apt/lists/partial', '/var/lib/apt/lists'));
    assert.ok(!removesFolder('/var/lib/apt-old', '/var/lib/apt'));
    assert.ok(!removesFolder('/tmp/*', '/var/cache/apk'));
  });

  it('packageManagerCall still tells subcommands and operands apart (used by no-upgrade)', () => {
    assert.ok(isFullUpgrade(packageManagerCall(command('apt-get -y upgrade'))!));
    assert.ok(isFullUpgrade(packageManagerCall(command('dnf --refresh -y upgrade --exclude=kernel'))!));
    assert.ok(!isFullUpgrade(packageManagerCall(command('apk upgrade musl'))!));
    assert.ok(!isFullUpgrade(packageManagerCall(command('yum update -y $PKGS'))!));
    assert.ok(!isFullUpgrade(packageManagerCall(command('apt-get install --only-upgrade x'))!));
  });
});

describe('shell/edits', () => {
  const run = (text: string, line = 1) => {
    const model = new DockerfileModel(text);
    const instruction = model.instructions[line];
    return { model, instruction, shell: model.shellOf(instruction)! };
  };

  it('removeCommands takes consecutive elements out of a chain, or the RUN when they are all it does', () => {
    let r = run('FROM x\nRUN a && b && c && d\n');
    const [, b, c] = r.shell.script.commands;
    assert.equal(applyEdits(r.model.text, removeCommands(r.model, r.instruction, r.shell, [b, c])!), 'FROM x\nRUN a && d\n');
    assert.equal(removeCommands(r.model, r.instruction, r.shell, [r.shell.script.commands[0], c]), null, 'not contiguous');
    r = run('FROM x\nRUN set -e; a; b\nRUN z\n');
    const cmds = r.shell.script.commands;
    assert.equal(applyEdits(r.model.text, removeCommands(r.model, r.instruction, r.shell, [cmds[1], cmds[2]])!), 'FROM x\nRUN z\n');
    r = run('FROM x\nRUN a || b\n');
    assert.equal(removeCommands(r.model, r.instruction, r.shell, [r.shell.script.commands[1]]), null);
  });

  it('appendToChain follows the statement: one line, && first, && last', () => {
    const append = (text: string, statement = 0) => {
      const r = run(text);
      return applyEdits(r.model.text, [appendToChain(r.model, r.instruction, r.shell, statement, 'rm -rf /x')!]);
    };
    assert.equal(append('FROM x\nRUN a && b\n'), 'FROM x\nRUN a && b && rm -rf /x\n');
    assert.equal(append('FROM x\nRUN a \\\n  && b\n'), 'FROM x\nRUN a \\\n  && b \\\n  && rm -rf /x\n');
    assert.equal(append('FROM x\nRUN a && \\\n\tb\n'), 'FROM x\nRUN a && \\\n\tb && \\\n\trm -rf /x\n');
    assert.equal(append('FROM x\r\nRUN a \\\r\n    && b\r\n'), 'FROM x\r\nRUN a \\\r\n    && b \\\r\n    && rm -rf /x\r\n');
    assert.equal(append('# escape=`\nFROM x\nRUN a `\n  && b\n'), '# escape=`\nFROM x\nRUN a `\n  && b `\n  && rm -rf /x\n');
    assert.equal(append('FROM x\nRUN set -e; a; b\n', 1), 'FROM x\nRUN set -e; a && rm -rf /x; b\n');
    const r = run('FROM x\nRUN a & \n');
    assert.equal(appendToChain(r.model, r.instruction, r.shell, 0, 'rm -rf /x'), null, 'backgrounded');
  });

  it('statementOf finds the top-level statement of nested commands', () => {
    const r = run('FROM x\nRUN a; if true; then b; fi\n');
    assert.equal(statementOf(r.shell, r.shell.script.commands[2]), 1);
  });
});

describe('no-sudo', () => {
  it('flags the sudo word of every command run through it', () => {
    assert.deepEqual(ranges('FROM debian:12\nRUN sudo -E apt-get update && echo ok | sudo tee /f\n', 'no-sudo'), ['2:5-2:9', '2:41-2:45']);
    assert.deepEqual(ranges('FROM debian:12\nRUN /usr/bin/sudo ls\n', 'no-sudo'), ['2:5-2:18']);
    assert.deepEqual(ranges('FROM debian:12\nRUN apt-get install -y sudo && echo sudo\n', 'no-sudo'), []);
  });

  it('removes sudo and its own options when the RUN runs as root', () => {
    assert.equal(fixed('no-sudo', 'FROM debian:12\nRUN sudo -EH -n make install\n'), 'FROM debian:12\nRUN make install\n');
    assert.equal(fixed('no-sudo', 'FROM alpine:3\nRUN sudo -u root -- make\n'), 'FROM alpine:3\nRUN make\n');
    assert.equal(fixed('no-sudo', 'FROM alpine:3\nUSER app\nUSER 0:0\nRUN sudo make\n'), 'FROM alpine:3\nUSER app\nUSER 0:0\nRUN make\n');
  });

  it('offers no quick fix where removing sudo changes what runs', () => {
    assert.equal(quickfixes('FROM debian:12\nUSER app\nRUN sudo make\n', 'no-sudo'), 0);
    assert.equal(quickfixes('FROM debian:12\nRUN sudo -u postgres createdb x\n', 'no-sudo'), 0);
    assert.equal(quickfixes('FROM debian:12\nRUN sudo --user=www-data php x\n', 'no-sudo'), 0);
    assert.equal(quickfixes('FROM debian:12\nRUN sudo -i make\n', 'no-sudo'), 0);
    assert.equal(quickfixes('FROM debian:12\nRUN echo pw | sudo -S make\n', 'no-sudo'), 0);
    assert.equal(quickfixes('FROM debian:12\nRUN sudo -D /src make\n', 'no-sudo'), 0);
    assert.equal(quickfixes('FROM debian:12\nRUN sudo $CMD\n', 'no-sudo'), 0);
    assert.equal(quickfixes('FROM debian:12\nUSER $APP_USER\nRUN sudo make\n', 'no-sudo'), 0);
    assert.equal(quickfixes('FROM jenkins/jenkins:lts\nRUN sudo ls\n', 'no-sudo'), 0);
  });

  it('follows USER through the stages a stage builds on', () => {
    const text = 'FROM debian:12 AS base\nUSER app\nFROM base\nRUN sudo make\n';
    const [finding] = findingsOf(text, 'no-sudo');
    assert.match(finding.message, /USER app/);
    assert.deepEqual(finding.fixes, []);
  });

  it('only offers a refactor when the base image is unknown', () => {
    const [finding] = findingsOf('FROM registry.example.com/tools:1\nRUN sudo make\n', 'no-sudo');
    assert.deepEqual(finding.fixes.map((f) => f.kind), ['refactor']);
  });

  it('tells sudo -u users to switch with USER instead', () => {
    const [finding] = findingsOf('FROM debian:12\nRUN sudo -u node npm ci\n', 'no-sudo');
    assert.match(finding.message, /USER node/);
  });
});

describe('world-writable', () => {
  it('reads octal and symbolic modes', () => {
    for (const mode of ['777', '0777', '666', '0666', '002', '2777', '0757', 'a+w', 'o+w', 'ugo+rwx', 'o=rwx', 'a=rwx', 'go+w', 'u+x,o+w', 'a+rwX', 'o+w,u-x'])
      assert.equal(isWorldWritableMode(mode), true, mode);
    for (const mode of ['755', '0644', '775', '664', '1777', '01777', '+w', '=rw', 'g+w', 'u+rwx', 'a+w,o-w', 'o-w', 'a+rwxt', 'o=r', 'o=u', 'x', '9999', ''])
      assert.equal(isWorldWritableMode(mode), false, mode);
  });

  it('flags the mode word of chmod, mkdir -m, install -m and COPY/ADD --chmod', () => {
    assert.deepEqual(ranges('FROM x\nRUN chmod -R 777 /a\n', 'world-writable'), ['2:14-2:17']);
    assert.deepEqual(ranges('FROM x\nRUN mkdir -m 0777 /a && install -d -m=777 /b && install --mode=666 f /c\n', 'world-writable'), ['2:14-2:18', '2:57-2:67']);
    assert.deepEqual(ranges('FROM x\nCOPY --chmod=666 a /a\n', 'world-writable'), ['2:14-2:17']);
    assert.deepEqual(ranges('FROM x\nARG M=777\nADD --chmod=${M} a /a\n', 'world-writable'), ['3:13-3:17']);
  });

  it('never offers a fix', () => {
    for (const f of findingsOf('FROM x\nRUN chmod 777 /a\n', 'world-writable')) assert.deepEqual(f.fixes, []);
  });

  it('leaves scratch folders of the build alone', () => {
    assert.deepEqual(ranges('FROM x\nRUN d="$(mktemp -d)" && chmod 777 "$d" && rm -rf "$d"\n', 'world-writable'), []);
    assert.deepEqual(ranges('FROM x\nRUN chmod 777 /a /b && rm -rf /a\n', 'world-writable'), ['2:11-2:14'], 'only one target goes');
  });
});

describe('no-upgrade', () => {
  it('flags full upgrades of every manager, from the tool to the end of the command', () => {
    assert.deepEqual(ranges('FROM x\nRUN DEBIAN_FRONTEND=noninteractive sudo apt-get -y dist-upgrade\n', 'no-upgrade'), ['2:41-2:64']);
    for (const run of ['apt upgrade', 'aptitude safe-upgrade', 'apk upgrade --available', 'yum -y update', 'dnf upgrade-minimal', 'microdnf update', 'tdnf distro-sync', 'zypper up', 'zypper dist-upgrade'])
      assert.ok(flagged('no-upgrade', `FROM x\nRUN ${run}\n`), run);
  });

  it('leaves named and unknown packages alone', () => {
    for (const run of ['apk upgrade openssl', 'yum update -y openssl', 'zypper up vim', 'apt-get upgrade $PKGS', 'apt-get install --only-upgrade x', 'apt-get update', 'dnf makecache'])
      assert.ok(!flagged('no-upgrade', `FROM x\nRUN ${run}\n`), run);
  });

  it('removes the upgrade, and the refresh it needed when nothing else uses it', () => {
    assert.equal(fixed('no-upgrade', 'FROM x\nRUN apt-get update && apt-get upgrade -y && apt-get install -y a\n'), 'FROM x\nRUN apt-get update && apt-get install -y a\n');
    assert.equal(fixed('no-upgrade', 'FROM x\nRUN apk update && apk upgrade\nRUN apk add --no-cache curl\n'), 'FROM x\nRUN apk add --no-cache curl\n');
    assert.equal(fixed('no-upgrade', 'FROM x\nRUN echo a && apk update && apk upgrade && echo b\n'), 'FROM x\nRUN echo a && echo b\n');
  });

  it('keeps a refresh that a later RUN installs with: no fix then', () => {
    assert.equal(quickfixes('FROM x\nRUN apt-get update && apt-get upgrade -y\nRUN apt-get install -y a\n', 'no-upgrade'), 0);
    assert.equal(quickfixes('FROM x AS a\nRUN apt-get update && apt-get upgrade -y\nFROM a\nRUN apt-get install -y b\n', 'no-upgrade'), 0);
    assert.equal(quickfixes('FROM x\nRUN apt-get update && apt-get upgrade -y\nRUN apt-get update && apt-get install -y a\n', 'no-upgrade'), 1);
  });

  it('never leaves a bare refresh behind (update-without-install stays quiet)', () => {
    const text = 'FROM x\nRUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*\n';
    const after = fixed('no-upgrade', text);
    assert.equal(after, 'FROM x\nRUN rm -rf /var/lib/apt/lists/*\n');
    assert.deepEqual(findingsOf(after, 'update-without-install'), []);
  });
});

describe('apt-no-recommends', () => {
  it('flags the install word and inserts the option right after it', () => {
    const text = 'FROM x\nRUN apt-get -q install -y curl\n';
    assert.deepEqual(ranges(text, 'apt-no-recommends'), ['2:16-2:23']);
    assert.equal(fixed('apt-no-recommends', text), 'FROM x\nRUN apt-get -q install --no-install-recommends -y curl\n');
  });

  it('accepts every way of turning recommends off', () => {
    for (const run of [
      'apt-get install --no-install-recommends -y a',
      'apt-get -o APT::Install-Recommends=false install -y a',
      'apt-get -oAPT::Install-Recommends=0 install -y a',
      'apt-get --option=apt::install-recommends=off install -y a',
      'apt-get install --install-recommends=false -y a',
      "echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/01 && apt-get install -y a",
      'apt-get install -f',
      'aptitude install -y a',
    ]) assert.ok(!flagged('apt-no-recommends', `FROM x\nRUN ${run}\n`), run);
    assert.ok(!flagged('apt-no-recommends', 'FROM x AS a\nRUN echo \'APT::Install-Recommends "0";\' > /etc/apt/apt.conf.d/01\nFROM a\nRUN apt-get install -y b\n'));
    assert.ok(!flagged('apt-no-recommends', 'FROM x\nRUN cat > /etc/apt/apt.conf.d/01 <<EOF\nAPT::Install-Recommends "false";\nEOF\nRUN apt-get install -y b\n'));
  });

  it('does not take another stage\'s configuration, nor a later one', () => {
    assert.ok(flagged('apt-no-recommends', 'FROM x AS a\nRUN echo \'APT::Install-Recommends "0";\' > /etc/apt/apt.conf.d/01\nFROM x\nRUN apt-get install -y b\n'));
    assert.ok(flagged('apt-no-recommends', 'FROM x\nRUN apt-get install -y b\nRUN echo \'APT::Install-Recommends "0";\' > /etc/apt/apt.conf.d/01\n'));
    assert.ok(flagged('apt-no-recommends', 'FROM x\nRUN apt-get -o APT::Install-Recommends=0 install -y a && apt-get install -y b\n'), 'an option only holds for its call');
  });
});

describe('apt-assume-yes', () => {
  const yes = (run: string) => !flagged('apt-assume-yes', `FROM x\nRUN ${run}\n`);

  it('knows the ways apt answers yes, and that DEBIAN_FRONTEND is not one', () => {
    for (const run of ['apt-get install -y a', 'apt-get -qy install a', 'apt-get -yq install a', 'apt-get --assume-yes install a', 'apt-get -qq install a', 'apt-get -q -q install a', 'apt-get -q=2 install a', 'apt-get --quiet=2 install a', 'apt-get -o APT::Get::Assume-Yes=1 install a', 'yes | apt-get install a'])
      assert.ok(yes(run), run);
    for (const run of ['apt-get install a', 'DEBIAN_FRONTEND=noninteractive apt-get install a', 'apt-get -q install a', 'apt-get -o Dpkg::Options::=--force-confnew install a', 'apt-get -oy install a'])
      assert.ok(!yes(run), run);
  });

  it('covers yum, dnf and zypper, and leaves apk and microdnf alone', () => {
    for (const run of ['yum install -y a', 'dnf -y install a', 'dnf --assumeyes install a', 'dnf install --setopt assumeyes=True a', 'zypper -n in a', 'zypper --non-interactive install a', 'zypper install -y a', 'zypper in --no-confirm a', 'apk add a', 'microdnf install a'])
      assert.ok(yes(run), run);
    for (const run of ['yum install a', 'dnf install -q a', 'zypper install a', 'zypper in -n a'])
      assert.ok(!yes(run), run);
  });

  it('inserts -y after install, or -n after zypper', () => {
    assert.equal(fixed('apt-assume-yes', 'FROM x\nRUN yum install a\n'), 'FROM x\nRUN yum install -y a\n');
    assert.equal(fixed('apt-assume-yes', 'FROM x\nRUN sudo zypper --gpg-auto-import-keys install a\n'), 'FROM x\nRUN sudo zypper -n --gpg-auto-import-keys install a\n');
  });

  it('accepts an assume-yes configuration written earlier in the stage chain', () => {
    assert.ok(!flagged('apt-assume-yes', 'FROM x\nRUN echo \'APT::Get::Assume-Yes "true";\' > /etc/apt/apt.conf.d/90\nRUN apt-get install a\n'));
    assert.ok(!flagged('apt-assume-yes', 'FROM x\nRUN echo assumeyes=1 >> /etc/yum.conf\nRUN yum install a\n'));
  });
});

describe('package-cache', () => {
  it('only looks at the final stage and the stages it is built FROM', () => {
    const install = 'RUN apt-get update && apt-get install -y --no-install-recommends a\n';
    assert.deepEqual(ranges(`FROM x AS build\n${install}FROM y\nCOPY --from=build /a /a\n`, 'package-cache'), []);
    assert.deepEqual(ranges(`FROM x AS base\n${install}FROM base\nRUN true\n`, 'package-cache'), ['2:23-2:38']);
  });

  it('needs the refresh in the same RUN for apt, and accepts equivalent removals', () => {
    assert.ok(!flagged('package-cache', 'FROM x\nRUN apt-get install -y ./a.deb\n'));
    assert.ok(!flagged('package-cache', 'FROM x\nRUN apt-get update && apt-get install -y a && rm -fr /var/lib/apt/lists\n'));
    assert.ok(!flagged('package-cache', 'FROM x\nRUN apt-get update && apt-get install -y a && sudo rm -rf /var/lib/apt/*\n'));
    assert.ok(flagged('package-cache', 'FROM x\nRUN apt-get update && apt-get install -y a && rm -rf /var/cache/apt/*\n'));
    assert.ok(flagged('package-cache', 'FROM x\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y a\n'), 'removed before, not after');
  });

  it('follows the lists through the RUNs, so merging a refresh (update-without-install) keeps the count', () => {
    const text = 'FROM x\nRUN apt-get update\nRUN apt-get install -y a\n';
    const [before] = findingsOf(text, 'package-cache');
    assert.equal(formatRange(before), '3:5-3:20');
    assert.match(before.message, /earlier RUN/);
    const merged = fixed('update-without-install', text);
    assert.equal(merged, 'FROM x\nRUN apt-get update && apt-get install -y a\n');
    const [after] = findingsOf(merged, 'package-cache');
    assert.equal(formatRange(after), '2:23-2:38');
    assert.match(after.message, /downloads the apt package lists/);
    assert.ok(!flagged('package-cache', 'FROM x\nRUN apt-get update && rm -rf /var/lib/apt/lists/*\nRUN apt-get install -y ./a.deb\n'));
  });

  it('respects cache mounts, including variables in their targets', () => {
    assert.ok(!flagged('package-cache', 'FROM x\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y a\n'));
    assert.ok(!flagged('package-cache', 'FROM x\nRUN --mount=type=cache,dst=/home/app/.cache/pip pip install a\n'));
    assert.ok(!flagged('package-cache', 'FROM x\nARG C=/var/cache/apk\nRUN --mount=type=cache,target=$C apk add a\n'));
    assert.ok(!flagged('package-cache', 'FROM x\nRUN --mount=type=cache,id=dnf,target=/var/cache/dnf dnf install -y a\n'));
    assert.ok(flagged('package-cache', 'FROM x\nRUN --mount=type=cache,target=/root/.npm apk add a\n'));
    assert.ok(flagged('package-cache', 'FROM x\nRUN --mount=type=secret,id=token --mount=type=ssh pip install a\n'), 'secret and ssh mounts hold no cache');
  });

  it('appends the apt cleanup after the last apt command of the statement', () => {
    assert.equal(
      fixed('package-cache', 'FROM x\nRUN apt-get update && apt-get install -y a && apt-get autoremove -y; echo done\n'),
      'FROM x\nRUN apt-get update && apt-get install -y a && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*; echo done\n',
    );
  });

  it('inserts --no-cache after add and --no-cache-dir after install', () => {
    assert.equal(fixed('package-cache', 'FROM x\nRUN apk -U add a\n'), 'FROM x\nRUN apk -U add --no-cache a\n');
    assert.equal(fixed('package-cache', 'FROM x\nRUN python -m pip install -U pip\n'), 'FROM x\nRUN python -m pip install --no-cache-dir -U pip\n');
  });

  it('sees PIP_NO_CACHE_DIR and pip config in scope, but not from another stage', () => {
    assert.ok(!flagged('package-cache', 'FROM x\nARG PIP_NO_CACHE_DIR=1\nRUN pip install a\n'));
    assert.ok(!flagged('package-cache', 'FROM x AS b\nENV PIP_NO_CACHE_DIR=1\nFROM b\nRUN pip install a\n'));
    assert.ok(!flagged('package-cache', 'FROM x\nRUN pip config set global.no-cache-dir true && pip install a\n'));
    assert.ok(!flagged('package-cache', 'FROM x\nRUN pip install a && rm -rf ~/.cache/pip\n'));
    assert.ok(!flagged('package-cache', 'FROM x\nRUN pip install --user a && rm -rf /home/app/.cache\n'));
    assert.ok(!flagged('package-cache', 'FROM x\nRUN pip install a && pip cache purge\n'));
    assert.ok(flagged('package-cache', 'FROM x AS b\nENV PIP_NO_CACHE_DIR=1\nFROM x\nRUN pip install a\n'));
    assert.ok(flagged('package-cache', 'FROM x\nRUN pip install a\nENV PIP_NO_CACHE_DIR=1\n'));
  });

  it('wants a clean after the rpm install, and writes it with the tool that ran last', () => {
    assert.ok(flagged('package-cache', 'FROM x\nRUN dnf clean all && dnf install -y a\n'));
    assert.equal(fixed('package-cache', 'FROM x\nRUN yum install -y a && dnf install -y b\n'), 'FROM x\nRUN yum install -y a && dnf install -y b && dnf clean all\n');
  });
});

describe('fix-all over the package-manager rules together', () => {
  const text = 'FROM debian:12\nRUN apt-get update && apt-get upgrade && apt-get install curl\n';
  const expected = 'RUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*';

  it('gives a sane RUN with only these rules', () => {
    const only = (id: string) => MINE.includes(id) || id === 'update-without-install';
    const once = fixAll(text, {}, only);
    assert.equal(once.text, `FROM debian:12\n${expected}\n`);
    assert.equal(fixAll(once.text, {}, only).text, once.text);
  });

  it('gives the same RUN with every rule of the project, and settles', () => {
    const once = fixAll(text).text;
    assert.equal(once.split('\n').find((l) => l.startsWith('RUN apt-get')), expected);
    assert.equal(fixAll(once).text, once);
  });

  it('keeps multi-line RUNs tidy when several fixes land in them', () => {
    const multi = 'FROM debian:12\nRUN apt-get update \\\n    && sudo apt-get upgrade -y \\\n    && apt-get install curl\n';
    const only = (id: string) => MINE.includes(id);
    assert.equal(
      fixAll(multi, {}, only).text,
      'FROM debian:12\nRUN apt-get update \\\n    && apt-get install --no-install-recommends -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
    );
  });
});

describe('package-manager rules: corpus round trip', () => {
  const files = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).sort() : [];

  it('every fix removes exactly its finding, adds no other, and fix-all settles', { skip: files.length === 0 && 'corpus not found' }, (t) => {
    const counts = new Map<string, number>();
    const count = (list: Finding[]) => {
      const m = new Map<string, number>();
      for (const f of list) m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1);
      return m;
    };
    for (const file of files) {
      const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
      const all = lintStrict(text);
      const before = count(all);
      for (const finding of all.filter((f) => MINE.includes(f.ruleId))) {
        counts.set(finding.ruleId, (counts.get(finding.ruleId) ?? 0) + 1);
        for (const fix of finding.fixes) {
          const after = count(lintStrict(applyEdits(text, fix.edits)));
          const id = finding.ruleId;
          assert.equal(after.get(id) ?? 0, (before.get(id) ?? 0) - 1, `${file}: ${fix.title} at ${formatRange(finding)}`);
          for (const [other, n] of after) {
            if (other !== id) assert.ok(n <= (before.get(other) ?? 0), `${file}: ${id} fix "${fix.title}" adds a ${other} finding`);
          }
        }
      }
      const only = (id: string) => MINE.includes(id);
      const once = fixAll(text, {}, only).text;
      assert.equal(fixAll(once, {}, only).text, once, `${file}: fix-all is not stable`);
    }
    t.diagnostic(`corpus findings: ${MINE.map((id) => `${id}=${counts.get(id) ?? 0}`).join(' ')}`);
    for (const id of ['no-sudo', 'world-writable', 'no-upgrade', 'apt-no-recommends', 'package-cache']) {
      assert.ok((counts.get(id) ?? 0) > 0, `${id} finds nothing on the corpus: is it running?`);
    }
  });
});
