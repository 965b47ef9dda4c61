// Hover texts (Markdown): a finding explained, or the guide's short advice for an instruction keyword.
import { GUIDE_SECTIONS, guideUrl } from './guide';
import { RULES_BY_ID } from './rules';
import type { Finding, Localized, Locale } from './types';
import { lookupTable } from './lookupTable';

const LABELS: Record<Locale, { why: string; how: string; guide: string; rule: string }> = {
  en: { why: 'Why', how: 'How to fix', guide: 'Docker Seguro guide', rule: 'rule' },
  es: { why: 'Por qué', how: 'Cómo arreglarlo', guide: 'Guía Docker Seguro', rule: 'regla' },
};

export function sectionLink(section: string, locale: Locale): string {
  const entry = GUIDE_SECTIONS[section];
  return `[${LABELS[locale].guide} §${section} — ${entry.title}](${guideUrl(section)})`;
}

export function findingHover(finding: Finding, locale: Locale): string {
  const rule = RULES_BY_ID.get(finding.ruleId);
  const labels = LABELS[locale];
  if (!rule) return finding.message;
  const docs = rule.meta.docs[locale];
  return [
    `**${docs.title}** (${labels.rule} \`${finding.ruleId}\`)`,
    finding.message,
    `**${labels.why}:** ${docs.why}`,
    `**${labels.how}:** ${docs.how}`,
    rule.meta.sections.map((s) => sectionLink(s, locale)).join(' · '),
  ].join('\n\n');
}

interface KeywordAdvice {
  sections: string[];
  text: Localized;
}

/** Advice shown over these keywords even when nothing is wrong, in the project's own words. */
export const KEYWORD_ADVICE: Readonly<Record<string, KeywordAdvice>> = lookupTable({
  FROM: {
    sections: ['3.1.1', '2.2.1'],
    text: {
      en: 'Start from the smallest trustworthy image that works (slim, alpine, distroless or scratch), from a known publisher, pinned to a full version tag or a digest.',
      es: 'Parte de la imagen fiable más pequeña que funcione (slim, alpine, distroless o scratch), de un publicador conocido y fijada a una versión completa o a un digest.',
    },
  },
  USER: {
    sections: ['3.1.2', '2.1.3'],
    text: {
      en: 'The image should end running as an unprivileged user: create one (or use the one the base image ships) and switch to it before CMD/ENTRYPOINT.',
      es: 'La imagen debe terminar ejecutándose con un usuario sin privilegios: créalo (o usa el que trae la imagen base) y cámbiate a él antes de CMD/ENTRYPOINT.',
    },
  },
  ADD: {
    sections: ['3.1.5'],
    text: {
      en: 'ADD can download URLs and unpacks local archives. Prefer COPY for local files, and download in a RUN step where the file can be verified.',
      es: 'ADD puede descargar URLs y descomprime archivos locales. Prefiere COPY para ficheros locales y descarga en un RUN donde se pueda verificar el fichero.',
    },
  },
  HEALTHCHECK: {
    sections: ['3.1.9'],
    text: {
      en: 'A health check lets Docker notice a container that is running but no longer working, e.g. a web server that stopped answering its health endpoint.',
      es: 'Un health check permite a Docker detectar un contenedor que sigue en marcha pero ya no funciona, por ejemplo un servidor web que dejó de responder en su endpoint de salud.',
    },
  },
  LABEL: {
    sections: ['3.1.7'],
    text: {
      en: 'Labels carry metadata (maintainer, version, source, description) that people and CI tools can read from the image; a shared convention such as OCI annotations keeps them consistent.',
      es: 'Las etiquetas guardan metadatos (responsable, versión, origen, descripción) que personas y herramientas de CI pueden leer de la imagen; una convención común como las anotaciones OCI las mantiene coherentes.',
    },
  },
});

export function keywordHover(keyword: string, locale: Locale): string | null {
  const advice = KEYWORD_ADVICE[keyword.toUpperCase()];
  if (!advice) return null;
  return [`**${keyword.toUpperCase()}** — ${advice.text[locale]}`, advice.sections.map((s) => sectionLink(s, locale)).join(' · ')].join('\n\n');
}
