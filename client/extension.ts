// Thin VS Code client: starts the bundled language server and knows nothing about rules.
import { env, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SERVER_ENVIRONMENT } from '../server/launch';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverEnv = { ...process.env, ...SERVER_ENVIRONMENT };
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env: serverEnv } },
    debug: { module, transport: TransportKind.ipc, options: { env: serverEnv, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'dockerfile' },
      { scheme: 'file', pattern: '**/Containerfile' },
      { scheme: 'file', pattern: '**/*.Dockerfile' },
      { scheme: 'file', pattern: '**/Dockerfile.*' },
    ],
    initializationOptions: { locale: env.language },
  };
  client = new LanguageClient('dockerfileSeguro', 'Dockerfile Seguro', serverOptions, clientOptions);
  await client.start();
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
