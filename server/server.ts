// LSP wiring over the engine. Everything a code action needs travels in Diagnostic.data, so the
// server keeps no per-diagnostic state; results are only cached per document version.
import {
  CodeAction,
  CodeActionKind,
  DidChangeConfigurationNotification,
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
import { DockerfileModel } from '../shared/dockerfile';
import { fixAll, lintModel } from '../shared/engine';
import { findingHover, keywordHover } from '../shared/hover';
import { ignoreForLineEdit } from '../shared/ignore';
import { minimalEdit, rangeContains } from '../shared/textDocument';
import type { Finding, Fix, Locale, SeveritySetting } from '../shared/types';
import { RULES_BY_ID } from '../shared/rules';

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

const TEXTS: Record<Locale, { disable: (id: string) => string; fixAllRule: (id: string) => string; fixAll: string }> = {
  en: {
    disable: (id) => `Disable ${id} for this line`,
    fixAllRule: (id) => `Fix all ${id} problems`,
    fixAll: 'Fix all Dockerfile Seguro problems',
  },
  es: {
    disable: (id) => `Desactivar ${id} en esta línea`,
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

export function startServer(connection: Connection, engineReady: Promise<void>): void {
  const documents = new TextDocuments(TextDocument);
  let locale: Locale = 'en';
  let pullDiagnostics = false;
  let configurationSupport = false;
  let dynamicConfiguration = false;
  let refreshSupport = false;
  let globalSettings: Settings = DEFAULT_SETTINGS;
  const settingsCache = new Map<string, Promise<Settings>>();
  const results = new Map<string, { version: number; key: string; model: DockerfileModel; findings: Finding[] }>();

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    const init = (params.initializationOptions ?? {}) as { locale?: string; settings?: Partial<Settings> };
    locale = localeFrom(init.locale ?? params.locale);
    pullDiagnostics = !!caps.textDocument?.diagnostic;
    configurationSupport = !!caps.workspace?.configuration;
    dynamicConfiguration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    refreshSupport = !!caps.workspace?.diagnostics?.refreshSupport;
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
  });

  connection.onDidChangeConfiguration((change) => {
    settingsCache.clear();
    results.clear();
    if (!configurationSupport) {
      const incoming = (change.settings?.dockerfileSeguro ?? {}) as Partial<Settings>;
      globalSettings = { ...DEFAULT_SETTINGS, ...incoming };
    }
    if (pullDiagnostics) {
      if (refreshSupport) void connection.languages.diagnostics.refresh();
    } else {
      for (const doc of documents.all()) void publish(doc);
    }
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

  async function analyse(doc: TextDocument): Promise<{ model: DockerfileModel; findings: Finding[] }> {
    await engineReady;
    const settings = await settingsFor(doc.uri);
    const key = JSON.stringify(settings) + locale;
    const cached = results.get(doc.uri);
    if (cached && cached.version === doc.version && cached.key === key) return cached;
    const model = new DockerfileModel(doc.getText());
    const findings = settings.enable
      ? lintModel(model, {
        locale,
        rules: toRuleSettings(settings.rules),
        onRuleError: (id, error) => connection.console.error(`rule ${id} failed: ${String((error as Error)?.stack ?? error)}`),
      })
      : [];
    const result = { version: doc.version, key, model, findings };
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

  documents.onDidChangeContent((event) => {
    if (!pullDiagnostics) void publish(event.document);
  });

  documents.onDidClose((event) => {
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
    if (!doc) return [];
    const { model } = await analyse(doc);
    const settings = await settingsFor(doc.uri);
    if (!settings.enable) return []; // a disabled linter must not edit files either (fix-all on save)
    const options = { locale, rules: toRuleSettings(settings.rules) };
    const texts = TEXTS[locale];
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
        actions.push({
          title: texts.disable(data.ruleId),
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: editOf([ignoreForLineEdit(model, diagnostic.range.start.line, data.ruleId)]),
        });
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
    if (!doc) return null;
    const { model, findings } = await analyse(doc);
    const here = findings.filter((f) => rangeContains(f.range, params.position));
    if (here.length) {
      return { contents: { kind: 'markdown', value: here.map((f) => findingHover(f, locale)).join('\n\n---\n\n') } };
    }
    const instruction = model.instructions.find((i) => rangeContains(i.getInstructionRange(), params.position));
    const advice = instruction ? keywordHover(instruction.getKeyword(), locale) : null;
    return advice ? { contents: { kind: 'markdown', value: advice }, range: instruction!.getInstructionRange() } : null;
  });

  documents.listen(connection);
  connection.listen();
}
