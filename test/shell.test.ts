// Unit tests of the shell layer: tree-sitter parsing into words and chains, reading commands through
// wrappers and package-manager options, and how RUN scripts map back to Dockerfile offsets.
import { strict as assert } from 'assert';
import { before, describe, it } from 'node:test';
import { DockerfileModel } from '../shared/dockerfile';
import { parseShell, type ShellCommand, type ShellScript } from '../shared/shell/parser';
import {
  basename, consumesIndex, isIndexRefresh, managerFamily, packageManagerCall, readsIndex, runsOpaqueCode, unwrapCommand,
} from '../shared/shell/commands';
import { loadEngine } from './helpers';

before(loadEngine);

function only(script: ShellScript): ShellCommand {
  assert.equal(script.commands.length, 1, 'expected a single command');
  return script.commands[0];
}

function command(source: string): ShellCommand {
  return only(parseShell(source));
}

function values(c: ShellCommand): (string | null)[] {
  return [c.name.value, ...c.args.map((a) => a.value)];
}

describe('parseShell: words', () => {
  it('gives each word its source text, its unquoted value and its offsets', () => {
    const source = `echo 'single $x' "double" plain\\ word pre"fix"post`;
    const c = command(source);
    assert.deepEqual(c.args.map((a) => a.text), [`'single $x'`, '"double"', 'plain\\ word', 'pre"fix"post']);
    assert.deepEqual(values(c), ['echo', 'single $x', 'double', 'plain word', 'prefixpost']);
    for (const w of [c.name, ...c.args]) assert.equal(source.slice(w.start, w.end), w.text);
    assert.equal(c.start, 0);
    assert.equal(c.end, source.length);
  });

  it('has no value for words that depend on expansions', () => {
    const c = parseShell('install $PKG "${DIR}/x" "$(cat list)" `id -u` ~user').commands[0];
    assert.deepEqual(values(c).slice(1, 5), [null, null, null, null]);
  });

  it('unescapes what double quotes allow to escape, and nothing else', () => {
    const c = command('printf "a\\"b\\\\c\\$d\\ne"');
    assert.equal(c.args[0].value, 'a"b\\c$d\\ne');
  });

  it('counts offsets in UTF-16 code units, also after non-ASCII text', () => {
    const source = 'echo "niño 🐳 café" && apt-get install -y vim # ü';
    const script = parseShell(source);
    const apt = script.commands[1];
    assert.equal(apt.name.value, 'apt-get');
    assert.equal(apt.start, source.indexOf('apt-get'));
    assert.equal(source.slice(apt.start, apt.end), 'apt-get install -y vim');
    assert.equal(script.commands[0].args[0].value, 'niño 🐳 café');
    for (const w of [apt.name, ...apt.args]) assert.equal(source.slice(w.start, w.end), w.text);
  });

  it('includes the leading variable assignments in the command range, not in its name', () => {
    const source = 'DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata';
    const c = command(source);
    assert.equal(c.name.value, 'apt-get');
    assert.equal(c.start, 0);
    assert.equal(c.end, source.length);
  });
});

describe('parseShell: commands and chains', () => {
  it('lists nested commands too, in source order', () => {
    const script = parseShell('a && (b; c) && if d; then e; fi && f "$(g)"');
    assert.deepEqual(script.commands.map((c) => c.name.value), ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('splits each top-level statement on && only', () => {
    const source = 'a && b; c || d; e && f | g && h; k > log && l';
    const script = parseShell(source);
    const shape = script.chains.map((chain) => chain.map((item) => [source.slice(item.start, item.end), item.command?.name.value ?? null]));
    assert.deepEqual(shape, [
      [['a', 'a'], ['b', 'b']],
      [['c || d', null]],
      [['e', 'e'], ['f | g', null], ['h', 'h']],
      [['k > log', 'k'], ['l', 'l']],
    ]);
  });

  it('gives the same command object in chains and in commands', () => {
    const script = parseShell('apt-get update && apt-get install -y x');
    assert.equal(script.chains[0][0].command, script.commands[0]);
    assert.equal(script.chains[0][1].command, script.commands[1]);
  });

  it('skips comments and treats ; & and newlines as statement separators', () => {
    const script = parseShell('# set up\na &\nb\nc; d');
    assert.deepEqual(script.chains.map((chain) => chain.map((i) => i.command?.name.value)), [['a'], ['b'], ['c'], ['d']]);
  });

  // tree-sitter-bash reads `a && b > f` as `(a && b) > f`, while the shell redirects only b: the chain
  // comes out as one item. Rules stay safe (they see no plain item) but miss fixes there.
  it('splits a chain after a redirected element', () => {
    assert.deepEqual(parseShell('a && b > f').chains[0].map((i) => i.start), [0, 5]);
    assert.deepEqual(parseShell('a && b > f && c').chains[0].map((i) => i.start), [0, 5, 14]);
  });

  it('still gives commands and chains for broken input', () => {
    const script = parseShell('apt-get update && apt-get install -y "unterminated');
    assert.equal(script.hasErrors, true);
    assert.equal(script.commands[0].name.value, 'apt-get');
  });

  it('caches parses by source text', () => {
    assert.equal(parseShell('echo cached'), parseShell('echo cached'));
  });
});

describe('unwrapCommand', () => {
  const program = (source: string) => {
    const c = command(source);
    const u = unwrapCommand(c);
    return u ? [u.name.value, u.firstArg] : null;
  };

  it('sees through wrappers and their options', () => {
    assert.deepEqual(program('apt-get update'), ['apt-get', 0]);
    assert.deepEqual(program('sudo -E -u root apt-get update'), ['apt-get', 4]);
    assert.deepEqual(program('env -u HOME A=1 B=2 apk add x'), ['apk', 5]);
    assert.deepEqual(program('nice -n 5 eatmydata dnf install -y x'), ['dnf', 4]);
    assert.deepEqual(program('sudo -- env A=1 /usr/bin/apt-get update'), ['/usr/bin/apt-get', 4]);
    assert.deepEqual(program('xargs -r -I {} apt-mark manual {}'), ['apt-mark', 4]);
    assert.deepEqual(program('command -v apt-get'), ['apt-get', 2]);
  });

  it('gives up on wrappers without a program or with expansions', () => {
    assert.equal(program('sudo'), null);
    assert.equal(program('sudo -E'), null);
    assert.equal(program('sudo $TOOL update'), null);
    assert.equal(program('$SUDO apt-get update'), null);
  });

  it('basename drops the folder', () => {
    assert.equal(basename('/usr/bin/apt-get'), 'apt-get');
    assert.equal(basename('apk'), 'apk');
    assert.equal(basename(null), null);
  });
});

describe('packageManagerCall', () => {
  const call = (source: string) => packageManagerCall(command(source));
  const words = (ws: { value: string | null }[]) => ws.map((w) => w.value);

  it('finds tool, subcommand, options and operands, skipping option values', () => {
    const c = call('apt-get -o Dpkg::Options::=--force-confnew -qq install -y --no-install-recommends curl git')!;
    assert.equal(c.manager, 'apt');
    assert.equal(c.tool, 'apt-get');
    assert.equal(c.subcommand, 'install');
    assert.deepEqual(words(c.options), ['-o', 'Dpkg::Options::=--force-confnew', '-qq', '-y', '--no-install-recommends']);
    assert.deepEqual(words(c.operands), ['curl', 'git']);
    assert.equal(c.firstArg, 0);
  });

  it('knows the value options of each manager', () => {
    const apk = call('apk --repository http://dl-cdn.alpinelinux.org/alpine/edge/testing add --virtual .build-deps gcc')!;
    assert.equal(apk.subcommand, 'add');
    assert.deepEqual(words(apk.operands), ['gcc']);
    const yum = call('yum --setopt tsflags=nodocs --enablerepo epel -y install jq')!;
    assert.equal(yum.subcommand, 'install');
    assert.deepEqual(words(yum.operands), ['jq']);
    const zypper = call('zypper --root /mnt -n ref')!;
    assert.equal(zypper.subcommand, 'ref');
    const apt = call('apt-get -t bookworm-backports install -y golang')!;
    assert.deepEqual(words(apt.operands), ['golang']);
  });

  it('reads through wrappers and full paths, and maps tools to managers', () => {
    const sudo = call('sudo -E /usr/bin/apt-get update')!;
    assert.equal(sudo.tool, 'apt-get');
    assert.equal(sudo.firstArg, 2);
    assert.equal(sudo.subcommand, 'update');
    assert.equal(call('microdnf makecache')!.manager, 'dnf');
    assert.equal(call('tdnf makecache')!.manager, 'dnf');
    assert.equal(call('aptitude update')!.manager, 'apt');
    assert.equal(call('apt-get')!.subcommand, null);
    assert.equal(call('apt-cache policy curl'), null);
    assert.equal(call('echo apt-get update'), null);
  });

  it('tells refreshes, consumers and readers apart', () => {
    const refreshes = ['apt-get update', 'apt -qq update', 'apk update', 'yum makecache fast', 'dnf makecache', 'zypper refresh', 'zypper ref'];
    for (const s of refreshes) assert.ok(isIndexRefresh(call(s)!), s);
    for (const s of ['yum update', 'apk add --update curl', 'apt-get upgrade', 'zypper up']) assert.ok(!isIndexRefresh(call(s)!), s);
    for (const s of ['apt-get install -y x', 'apt-get upgrade', 'apk add --no-cache x', 'yum update', 'dnf -y install x', 'zypper in x']) {
      assert.ok(consumesIndex(call(s)!), s);
    }
    for (const s of ['apt-get update', 'apt-get clean', 'apt-get purge -y x', 'apk del x', 'yum clean all', 'zypper clean', 'apt-get']) {
      assert.ok(!consumesIndex(call(s)!), s);
    }
    assert.ok(readsIndex(command('apt-cache madison curl'), 'apt'));
    assert.ok(readsIndex(command('xargs -r apt-mark manual'), 'apt'));
    assert.ok(readsIndex(command('apt-get clean'), 'apt'));
    assert.ok(readsIndex(command('dnf repoquery x'), 'yum'), 'yum and dnf share the index');
    assert.ok(readsIndex(command('repoquery --requires x'), 'dnf'));
    assert.ok(!readsIndex(command('apt-cache policy'), 'apk'));
    assert.ok(!readsIndex(command('apk info'), 'apt'));
    assert.ok(!readsIndex(command('echo apt-cache'), 'apt'));
  });

  it('groups managers that share an index', () => {
    assert.equal(managerFamily('yum'), managerFamily('dnf'));
    assert.notEqual(managerFamily('zypper'), managerFamily('dnf'));
    assert.equal(managerFamily('apt'), 'apt');
  });
});

describe('runsOpaqueCode', () => {
  it('flags shells, scripts, author paths and unknown programs', () => {
    for (const s of ['bash /tmp/setup.sh', '/bin/bash -c "apt-get install -y x"', 'sh', 'install-deps.sh', './configure',
      '/opt/tools/install', 'sudo -E ./setup', '$PKG install x', 'eval "$CMD"', '. /etc/os-release', 'source ./env']) {
      assert.ok(runsOpaqueCode(command(s)), s);
    }
  });

  it('does not flag ordinary programs', () => {
    for (const s of ['echo x', 'rm -rf /var/lib/apt/lists/*', '/usr/bin/env A=1 true', '/usr/sbin/update-ca-certificates', 'apt-get install x']) {
      assert.ok(!runsOpaqueCode(command(s)), s);
    }
  });
});

describe('DockerfileModel.shellOf offsets', () => {
  function commandsIn(text: string): { model: DockerfileModel; found: { text: string; collapsed: string }[] } {
    const model = new DockerfileModel(text);
    const found: { text: string; collapsed: string }[] = [];
    for (const stage of model.stages) {
      for (const { shell } of model.runsOf(stage)) {
        for (const c of shell.script.commands) {
          found.push({ text: model.index.textIn(model.commandRange(shell, c)), collapsed: model.commandText(shell, c) });
        }
      }
    }
    return { model, found };
  }

  it('maps commands back through line continuations', () => {
    const { found } = commandsIn('FROM debian\nRUN apt-get update \\\n    && apt-get install -y \\\n        curl \\\n        git\n');
    assert.deepEqual(found, [
      { text: 'apt-get update', collapsed: 'apt-get update' },
      { text: 'apt-get install -y \\\n        curl \\\n        git', collapsed: 'apt-get install -y curl git' },
    ]);
  });

  it('blanks comment and empty lines inside continuations', () => {
    const text = 'FROM debian\nRUN echo a \\\n# comment with apt-get update && x\n\n    && echo b\n';
    const { model, found } = commandsIn(text);
    assert.deepEqual(found.map((f) => f.text), ['echo a', 'echo b']);
    const shell = model.shellOf(model.instructions[1])!;
    assert.equal(shell.script.chains[0].length, 2);
    assert.ok(!shell.source.includes('#'));
  });

  it('keeps offsets with CRLF line endings', () => {
    const text = 'FROM debian\r\nRUN apt-get update \\\r\n    && echo é \\\r\n    # note\r\n    && apt-get install -y vim\r\nCMD ["bash"]\r\n';
    const { model, found } = commandsIn(text);
    assert.deepEqual(found.map((f) => f.text), ['apt-get update', 'echo é', 'apt-get install -y vim']);
    const shell = model.shellOf(model.instructions[1])!;
    const range = model.commandRange(shell, shell.script.commands[2]);
    assert.deepEqual(range, { start: { line: 4, character: 7 }, end: { line: 4, character: 29 } });
    assert.ok(!shell.source.includes('\r'));
  });

  it('parses the body of a heredoc RUN as the script', () => {
    const text = 'FROM debian\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n';
    const { model, found } = commandsIn(text);
    assert.deepEqual(found.map((f) => f.text), ['set -e', 'apt-get update', 'apt-get install -y curl']);
    const shell = model.shellOf(model.instructions[1])!;
    assert.equal(shell.script.chains.length, 3);
    assert.deepEqual(model.commandRange(shell, shell.script.commands[1]).start, { line: 3, character: 0 });
  });

  it('leaves heredocs that feed a command alone', () => {
    const { found } = commandsIn('FROM debian\nRUN cat <<EOF > /etc/apt/sources.list\napt-get update\nEOF\n');
    assert.deepEqual(found.map((f) => f.collapsed.split(' ')[0]), ['cat']);
  });

  it('follows the escape directive (backtick) on a POSIX image', () => {
    const text = '# escape=`\nFROM alpine:3.20\nRUN apk update && `\n    apk add --no-cache `\n        curl\n';
    const { model, found } = commandsIn(text);
    assert.equal(model.escapeChar, '`');
    assert.deepEqual(found, [
      { text: 'apk update', collapsed: 'apk update' },
      { text: 'apk add --no-cache `\n        curl', collapsed: 'apk add --no-cache curl' },
    ]);
  });

  it('hides RUN flags from the shell', () => {
    const { found } = commandsIn('FROM debian\nRUN --mount=type=cache,target=/var/cache/apt \\\n    --network=default apt-get update\n');
    assert.deepEqual(found.map((f) => f.text), ['apt-get update']);
  });

  it('has no shell for exec form, Windows images, non-POSIX SHELL and ONBUILD', () => {
    const shells = (text: string) => {
      const model = new DockerfileModel(text);
      return model.instructions.map((i) => ['FROM', 'SHELL'].includes(i.getKeyword()) ? 'skip' : model.shellOf(i) === null);
    };
    assert.deepEqual(shells('FROM debian\nRUN ["apt-get", "update"]\nONBUILD RUN apt-get update\n'), ['skip', true, true]);
    assert.deepEqual(shells('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo hi\n'), ['skip', true]);
    assert.deepEqual(shells('FROM debian\nSHELL ["pwsh", "-c"]\nRUN echo hi\nSHELL ["/bin/bash", "-c"]\nRUN echo hi\n'), ['skip', 'skip', true, 'skip', false]);
  });
});
