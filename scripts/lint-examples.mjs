// `npm start`: lint examples/ with the built CLI. Findings are the point of the demo (CLI exit 1);
// only a usage or read error (exit 2) fails the command.
import { spawnSync } from 'node:child_process';

const result = spawnSync(process.execPath, ['dist/cli.js', 'examples/'], { stdio: 'inherit' });
process.exit(result.status === 1 ? 0 : result.status ?? 2);
