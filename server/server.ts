// LSP wiring over the engine. Everything a code action needs travels in Diagnostic.data, so the
// server keeps no per-diagnostic state; results are only cached per document version.
//
// Configuration: each Dockerfile gets the config file found from its folder upward (server/config.ts), with
// the editor's `dockerfileSeguro.rules` layered on top. When the client can watch files for us, config files
// are watched and a change re-lints the open documents; otherwise every lint re-checks the files' mtimes.
// Problems in a config file are published on that file's URI whenever a Dockerfile using it is linted, and a
// config document the client opens with us (VS Code's selector only sends Dockerfiles) is checked as typed.
import {
  CodeAction,
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type DiagnosticSeverity,
  type Hover,
  type HoverParams,
  type InitializeParams,
  type InitializeResult,
  type TextEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath, pathToFileURL } from 'url';
import { DockerfileModel } from '../shared/dockerfile';
import { fixAll, lintModel } from '../shared/engine';
import { findingHover, keywordHover } from '../shared/hover';
import { ignoreForFileEdit, ignoreForLineEdit, ignoreForStageEdit } from '../shared/ignore';
import { minimalEdit, rangeContains } from '../shared/textDocument';
import type { Finding, Fix, LintOptions, Locale, SeveritySetting } from '../shared/types';
import { RULES_BY_ID } from '../shared/rules';
import { ConfigLoader, isConfigFileName, isIgnoredPath, lintOptionsFrom, type ConfigError } from './config';

export const SOURCE = 'dockerfile-seguro';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.dockerfileSeguro`;

export interface Settings {
  enable: boolean;
  /** Rule id → 'off' | 'error' | 'warning' | 'information' | 'hint' (VS Code's severity names). */
  rules: Record<string, string>;
}

const DEFAULT_SETTINGS: Settings = { enable: true, rules: {} };

/** What travels in Diagnostic.data. */
export interface DiagnosticData {
  ruleId: string;
  version: number;
  fixes: Fix[];
}

const LSP_SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = { error: 1, warning: 2, info: 3, hint: 4 };

/** Config files the client is asked to watch (when it supports dynamic registration of file watchers). */
export const CONFIG_WATCHERS = ['**/.dockerfile-seguro.{yaml,yml,json}', '**/.hadolint.{yaml,yml}'];
const UNUSED_IGNORE = 'unused-ignore';

interface Texts {
  disable: (id: string) => string;
  disableStage: (id: string) => string;
  disableFile: (id: string) => string;
  fixAllRule: (id: string) => string;
  fixAll: string;
}

const TEXTS: Record<Locale, Texts> = {
  en: {
    disable: (id) => `Disable ${id} for this line`,
    disableStage: (id) => `Disable ${id} for this stage`,
    disableFile: (id) => `Disable ${id} for this file`,
    fixAllRule: (id) => `Fix all ${id} problems`,
    fixAll: 'Fix all Dockerfile Seguro problems',
  },
  es: {
    disable: (id) => `Desactivar ${id} en esta línea`,
    disableStage: (id) => `Desactivar ${id} en esta etapa`,
    disableFile: (id) => `Desactivar ${id} en este fichero`,
    fixAllRule: (id) => `Arreglar todos los problemas de ${id}`,
    fixAll: 'Arreglar todos los problemas de Dockerfile Seguro',
  },
};

export function localeFrom(value: unknown): Locale {
  return typeof value === 'string' && value.toLowerCase().startsWith('es') ? 'es' : 'en';
}

function toRuleSettings(rules: Record<string, string>): Record<string, SeveritySetting> {
  const out: Record<string, SeveritySetting> = {};
  for (const [id, level] of Object.entries(rules ?? {})) {
    if (level === 'information' || level === 'info') out[id] = 'info';
    else if (level === 'off' || level === 'error' || level === 'warning' || level === 'hint') out[id] = level;
  }
  return out;
}

function filePathOf(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

/** A config file open in the editor (only clients whose selector includes it send it to us). */
function isConfigDocument(uri: string): boolean {
  const file = filePathOf(uri);
  return file !== null && isConfigFileName(file);
}

function configDiagnostic(error: ConfigError): Diagnostic {
  const line = Math.max(0, error.line - 1);
  return {
    range: error.range ?? { start: { line, character: 0 }, end: { line, character: 0 } },
    severity: 1,
    source: SOURCE,
    message: error.detail,
    ...(error.key ? { code: error.key } : {}),
  };
}

interface Analysis {
  version: number;
  key: string;
  model: DockerfileModel;
  findings: Finding[];
  /** Options the findings were computed with (config file + settings), for the fixes. */
  options: LintOptions & { locale: Locale };
  /** False when disabled in the settings or excluded by the config's ignorePaths. */
  active: boolean;
}

export function startServer(connection: Connection, engineReady: Promise<void>): void {
  const documents = new TextDocuments(TextDocument);
  let locale: Locale = 'en';
  let pullDiagnostics = false;
  let configurationSupport = false;
  let dynamicConfiguration = false;
  let refreshSupport = false;
  let watchFiles = false;
  let globalSettings: Settings = DEFAULT_SETTINGS;
  let configs = new ConfigLoader(false);
  const settingsCache = new Map<string, Promise<Settings>>();
  const results = new Map<string, Analysis>();
  /** What was last published for config files from disk (JSON of the diagnostics), by URI. */
  const configPublished = new Map<string, string>();

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    const init = (params.initializationOptions ?? {}) as { locale?: string; settings?: Partial<Settings> };
    locale = localeFrom(init.locale ?? params.locale);
    pullDiagnostics = !!caps.textDocument?.diagnostic;
    configurationSupport = !!caps.workspace?.configuration;
    dynamicConfiguration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    refreshSupport = !!caps.workspace?.diagnostics?.refreshSupport;
    watchFiles = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    // With watchers, the upward search for config files is cached until a watched file changes.
    configs = new ConfigLoader(watchFiles);
    if (init.settings) globalSettings = { ...DEFAULT_SETTINGS, ...init.settings };
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: caps.textDocument?.codeAction?.codeActionLiteralSupport
          ? { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, FIX_ALL_KIND] }
          : true,
        hoverProvider: true,
        ...(pullDiagnostics
          ? { diagnosticProvider: { identifier: SOURCE, interFileDependencies: false, workspaceDiagnostics: false } }
          : {}),
      },
      serverInfo: { name: 'dockerfile-seguro', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (dynamicConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'dockerfileSeguro' });
    }
    if (watchFiles) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: CONFIG_WATCHERS.map((globPattern) => ({ globPattern })) });
    }
  });

  /** Everything may have changed: lint the open documents again (or ask a pulling client to). */
  function relintAll(): void {
    results.clear();
    if (pullDiagnostics) {
      if (refreshSupport) void connection.languages.diagnostics.refresh();
    } else {
      for (const doc of documents.all()) void publish(doc);
    }
  }

  connection.onDidChangeWatchedFiles(() => {
    configs.invalidate();
    // Forget what was published from disk: the next lints publish the current state (empty lists clear the old).
    for (const [uri, published] of configPublished) {
      if (published !== '[]' && !documents.get(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    }
    configPublished.clear();
    relintAll();
  });

  connection.onDidChangeConfiguration((change) => {
    settingsCache.clear();
    results.clear();
    if (!configurationSupport) {
      const incoming = (change.settings?.dockerfileSeguro ?? {}) as Partial<Settings>;
      globalSettings = { ...DEFAULT_SETTINGS, ...incoming };
    }
    relintAll();
  });

  function settingsFor(uri: string): Promise<Settings> {
    if (!configurationSupport) return Promise.resolve(globalSettings);
    let pending = settingsCache.get(uri);
    if (!pending) {
      pending = connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'dockerfileSeguro' })
        .then((value: Partial<Settings> | null) => ({ ...DEFAULT_SETTINGS, ...(value ?? {}) }), () => DEFAULT_SETTINGS);
      settingsCache.set(uri, pending);
    }
    return pending;
  }

  /** Publishes the problems of config files read from disk (skipping those open here, checked as typed). */
  function publishConfigErrors(files: string[], errors: ConfigError[]): void {
    const byFile = new Map<string, ConfigError[]>(files.map((f) => [f, []]));
    for (const error of errors) byFile.set(error.file, [...(byFile.get(error.file) ?? []), error]);
    for (const [file, list] of byFile) {
      const uri = pathToFileURL(file).href;
      if (documents.get(uri)) continue;
      const diagnostics = list.map(configDiagnostic);
      const json = JSON.stringify(diagnostics);
      if ((configPublished.get(uri) ?? '[]') === json) continue;
      configPublished.set(uri, json);
      void connection.sendDiagnostics({ uri, diagnostics });
      for (const error of list) connection.console.warn(error.message);
    }
  }

  async function analyse(doc: TextDocument): Promise<Analysis> {
    await engineReady;
    const settings = await settingsFor(doc.uri);
    const file = filePathOf(doc.uri);
    const resolved = file !== null ? configs.resolve(file) : null;
    const config = resolved?.config;
    const options = {
      ...(config ? lintOptionsFrom(config) : {}),
      locale: config?.locale ?? locale,
      rules: { ...config?.rules, ...toRuleSettings(settings.rules) },
    };
    const active = settings.enable && !(config && file !== null && isIgnoredPath(config, file));
    // Deduplicated per config file: only changes are sent.
    if (resolved) publishConfigErrors(resolved.config.files ?? [], resolved.errors);
    const key = JSON.stringify([settings, options, active]);
    const cached = results.get(doc.uri);
    if (cached && cached.version === doc.version && cached.key === key) return cached;
    const model = new DockerfileModel(doc.getText());
    const findings = active
      ? lintModel(model, {
        ...options,
        onRuleError: (id, error) => connection.console.error(`rule ${id} failed: ${String((error as Error)?.stack ?? error)}`),
      })
      : [];
    const result: Analysis = { version: doc.version, key, model, findings, options, active };
    results.set(doc.uri, result);
    return result;
  }

  function toDiagnostic(finding: Finding, version: number): Diagnostic {
    const data: DiagnosticData = { ruleId: finding.ruleId, version, fixes: finding.fixes };
    return {
      range: finding.range,
      severity: LSP_SEVERITY[finding.severity],
      source: SOURCE,
      code: finding.ruleId,
      codeDescription: { href: finding.url },
      message: finding.message,
      data,
    };
  }

  async function diagnosticsFor(doc: TextDocument): Promise<Diagnostic[]> {
    if (isConfigDocument(doc.uri)) {
      await engineReady;
      return configs.check(filePathOf(doc.uri)!, doc.getText()).map(configDiagnostic);
    }
    const { findings } = await analyse(doc);
    return findings.map((f) => toDiagnostic(f, doc.version));
  }

  async function publish(doc: TextDocument): Promise<void> {
    const version = doc.version;
    const diagnostics = await diagnosticsFor(doc);
    // A newer version may have arrived while settings were fetched: never publish stale results.
    const current = documents.get(doc.uri);
    if (!current || current.version !== version) return;
    void connection.sendDiagnostics({ uri: doc.uri, version, diagnostics });
  }

  documents.onDidOpen((event) => {
    // A config document now gets its diagnostics from its own text: drop those published from disk.
    const uri = event.document.uri;
    if (isConfigDocument(uri) && (configPublished.get(uri) ?? '[]') !== '[]') {
      configPublished.delete(uri);
      if (pullDiagnostics) void connection.sendDiagnostics({ uri, diagnostics: [] });
    }
  });

  documents.onDidChangeContent((event) => {
    if (!pullDiagnostics) void publish(event.document);
  });

  documents.onDidClose((event) => {
    configPublished.delete(event.document.uri);
    results.delete(event.document.uri);
    settingsCache.delete(event.document.uri);
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  connection.languages.diagnostics.on(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    return { kind: DocumentDiagnosticReportKind.Full, items: await diagnosticsFor(doc) };
  });

  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || isConfigDocument(doc.uri)) return [];
    const { model, options: analysed, active } = await analyse(doc);
    if (!active) return []; // a disabled linter must not edit files either (fix-all on save)
    const options = { ...analysed };
    const texts = TEXTS[options.locale];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
    const uri = doc.uri;
    const actions: CodeAction[] = [];
    const editOf = (edits: TextEdit[]) => ({ changes: { [uri]: edits } });

    const ours = params.context.diagnostics.filter((d) => d.source === SOURCE && d.data && typeof (d.data as DiagnosticData).ruleId === 'string'
      && Array.isArray((d.data as DiagnosticData).fixes));
    const fixAllOffered = new Set<string>();
    for (const diagnostic of ours) {
      const data = diagnostic.data as DiagnosticData;
      // Edits were computed for one version of the text; on any other they could corrupt it.
      const fresh = data.version === doc.version;
      if (fresh) {
        data.fixes.forEach((fix, i) => {
          const kind = fix.kind === 'quickfix' ? CodeActionKind.QuickFix : CodeActionKind.RefactorRewrite;
          if (!wants(kind)) return;
          actions.push({ title: fix.title, kind, diagnostics: [diagnostic], isPreferred: fix.kind === 'quickfix' && i === 0, edit: editOf(fix.edits) });
        });
      }
      if (wants(CodeActionKind.QuickFix)) {
        const line = diagnostic.range.start.line;
        const disable = (title: string, edit: TextEdit | null) => {
          if (edit) actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: editOf([edit]) });
        };
        // unused-ignore findings sit on comment lines, which a next-instruction ignore cannot cover.
        if (data.ruleId !== UNUSED_IGNORE) disable(texts.disable(data.ruleId), ignoreForLineEdit(model, line, data.ruleId));
        // Stage and file placement depend on where the finding is now: only for current diagnostics.
        if (fresh) {
          disable(texts.disableStage(data.ruleId), ignoreForStageEdit(model, line, data.ruleId));
          disable(texts.disableFile(data.ruleId), ignoreForFileEdit(model, data.ruleId));
        }
        if (fresh && !fixAllOffered.has(data.ruleId) && data.fixes.some((f) => f.kind === 'quickfix') && RULES_BY_ID.has(data.ruleId)) {
          fixAllOffered.add(data.ruleId);
          const edit = minimalEdit(doc.getText(), fixAll(doc.getText(), options, (id) => id === data.ruleId).text);
          if (edit) actions.push({ title: texts.fixAllRule(data.ruleId), kind: CodeActionKind.QuickFix, edit: editOf([edit]) });
        }
      }
    }

    if (only && only.some((o) => FIX_ALL_KIND === o || FIX_ALL_KIND.startsWith(`${o}.`))) {
      const edit = minimalEdit(doc.getText(), fixAll(doc.getText(), options).text);
      actions.push({ title: texts.fixAll, kind: FIX_ALL_KIND, edit: editOf(edit ? [edit] : []) });
    }
    return actions;
  });

  connection.onHover(async (params: HoverParams): Promise<Hover | null> => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || isConfigDocument(doc.uri)) return null;
    const { model, findings, options } = await analyse(doc);
    const here = findings.filter((f) => rangeContains(f.range, params.position));
    if (here.length) {
      return { contents: { kind: 'markdown', value: here.map((f) => findingHover(f, options.locale)).join('\n\n---\n\n') } };
    }
    const instruction = model.instructions.find((i) => rangeContains(i.getInstructionRange(), params.position));
    const advice = instruction ? keywordHover(instruction.getKeyword(), options.locale) : null;
    return advice ? { contents: { kind: 'markdown', value: advice }, range: instruction!.getInstructionRange() } : null;
  });

  documents.listen(connection);
  connection.listen();
}
