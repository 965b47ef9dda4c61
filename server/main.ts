// Entry point of dist/server.js: `node dist/server.js --stdio` (or --node-ipc, --socket=N).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { loadEngine } from './loadEngine';
import { startServer } from './server';

if (process.argv.includes('--version')) {
  process.stdout.write('dockerfile-seguro-language-server 0.1.0\n');
  process.exit(0);
}
if (!process.argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
  process.stderr.write('Usage: dockerfile-seguro-language-server --stdio | --node-ipc | --socket=PORT\n');
  process.exit(2);
}

const connection = createConnection(ProposedFeatures.all);

// The server must outlive any bug in a rule or a handler: log it, keep serving.
process.on('uncaughtException', (error) => connection.console.error(`Unexpected error: ${String(error?.stack ?? error)}`));
process.on('unhandledRejection', (error) => connection.console.error(`Unexpected rejection: ${String((error as Error)?.stack ?? error)}`));
const engineReady = loadEngine();
engineReady.catch((error) => connection.console.error(`Could not load the shell parser: ${String(error)}`));
startServer(connection, engineReady);
