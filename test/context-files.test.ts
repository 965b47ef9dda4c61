// The build-context files that the language server and the CLI read for the rules (server/contextFiles.ts):
// which .dockerignore BuildKit would use, and the bounds on reading it (size cap, no symlink out of the project).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import { dockerignoreFor, MAX_CONTEXT_FILE_BYTES, projectRoot } from '../server/contextFiles';

describe('dockerignoreFor', () => {
  let tmp: string;
  let repo: string;
  let app: string;
  before(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dockerfile-seguro-context-')));
    repo = path.join(tmp, 'repo');
    app = path.join(repo, 'services', 'app');
    fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
    fs.mkdirSync(app, { recursive: true });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const reset = () => {
    for (const name of fs.readdirSync(app)) fs.rmSync(path.join(app, name), { recursive: true, force: true });
  };

  it('is null when there is no ignore file, and the project is the repository', () => {
    reset();
    assert.equal(dockerfileAt('Dockerfile'), null);
    assert.equal(projectRoot(path.join(app, 'Dockerfile')), repo);
  });

  it('prefers <name>.dockerignore to .dockerignore, as BuildKit does', () => {
    reset();
    fs.writeFileSync(path.join(app, '.dockerignore'), 'shared\n');
    fs.writeFileSync(path.join(app, 'prod.Dockerfile.dockerignore'), 'own\n');
    assert.deepEqual(dockerfileAt('prod.Dockerfile'), { path: 'prod.Dockerfile.dockerignore', text: 'own\n' });
    assert.deepEqual(dockerfileAt('Dockerfile'), { path: '.dockerignore', text: 'shared\n' });
  });

  it('follows a symbolic link inside the repository', () => {
    reset();
    fs.writeFileSync(path.join(repo, 'common.dockerignore'), '.git\n');
    fs.symlinkSync(path.join(repo, 'common.dockerignore'), path.join(app, '.dockerignore'));
    assert.deepEqual(dockerfileAt('Dockerfile'), { path: '.dockerignore', text: '.git\n' });
  });

  it('does not follow a symbolic link out of the repository: the file counts as unreadable', () => {
    reset();
    const outside = path.join(tmp, 'outside.txt');
    fs.writeFileSync(outside, 'secret\n');
    fs.symlinkSync(outside, path.join(app, '.dockerignore'));
    assert.equal(dockerfileAt('Dockerfile'), undefined);
  });

  it('does not read a file over the size cap, nor a folder', () => {
    reset();
    fs.writeFileSync(path.join(app, '.dockerignore'), 'x'.repeat(MAX_CONTEXT_FILE_BYTES + 1));
    assert.equal(dockerfileAt('Dockerfile'), undefined);
    fs.writeFileSync(path.join(app, '.dockerignore'), 'x'.repeat(MAX_CONTEXT_FILE_BYTES));
    assert.equal(dockerfileAt('Dockerfile')?.text.length, MAX_CONTEXT_FILE_BYTES);
    reset();
    fs.mkdirSync(path.join(app, '.dockerignore'));
    assert.equal(dockerfileAt('Dockerfile'), undefined);
  });

  it('without a repository, the Dockerfile\'s folder is the project', () => {
    const loose = path.join(tmp, 'loose');
    fs.mkdirSync(loose, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'above.txt'), 'x\n');
    fs.symlinkSync(path.join(tmp, 'above.txt'), path.join(loose, '.dockerignore'));
    assert.equal(projectRoot(path.join(loose, 'Dockerfile')), loose);
    assert.equal(dockerignoreFor(path.join(loose, 'Dockerfile')), undefined);
  });

  function dockerfileAt(name: string) {
    return dockerignoreFor(path.join(app, name));
  }
});
