// Sections of the "Docker Seguro" guide that rules link to. File and anchor are exactly as in
// the guide's sumario.md (a meta-test checks that); the public URL percent-encodes accents.
import { lookupTable } from './lookupTable';

export interface GuideSection {
  file: string;
  anchor: string;
  title: string;
}

export const GUIDE_BASE_URL = 'https://github.com/UlisesGascon/docker-seguro/blob/main/manuscript/';

export const GUIDE_SECTIONS: Readonly<Record<string, GuideSection>> = lookupTable({
  '2.1.3': { file: 'c02.md', anchor: '213-el-poder-de-root', title: 'El poder de root' },
  '2.1.5': { file: 'c02.md', anchor: '215-parches-de-seguridad', title: 'Parches de seguridad' },
  '2.2.1': { file: 'c02.md', anchor: '221-imágenes-base', title: 'Imágenes base' },
  '2.2.2': { file: 'c02.md', anchor: '222-archivos-y-carpetas', title: 'Archivos y carpetas' },
  '2.2.3': { file: 'c02.md', anchor: '223-gestión-de-secretos', title: 'Gestión de secretos' },
  '2.3.3': { file: 'c02.md', anchor: '233-verificar-las-imágenes', title: 'Verificar las imágenes' },
  '3.1.1': { file: 'c03.md', anchor: '311-elegir-la-imagen-base', title: 'Elegir la imagen base' },
  '3.1.2': { file: 'c03.md', anchor: '312-privilegios', title: 'Privilegios' },
  '3.1.3': { file: 'c03.md', anchor: '313-inmutabilidad-en-dependencias', title: 'Inmutabilidad en dependencias' },
  '3.1.4': { file: 'c03.md', anchor: '314-integridad-de-dependencias', title: 'Integridad de dependencias' },
  '3.1.5': { file: 'c03.md', anchor: '315-copy-o-add', title: 'COPY o ADD' },
  '3.1.6': { file: 'c03.md', anchor: '316-multi-stage', title: 'Multi-stage' },
  '3.1.7': { file: 'c03.md', anchor: '317-metadata', title: 'Metadata' },
  '3.1.8': { file: 'c03.md', anchor: '318-buildkit', title: 'Buildkit' },
  '3.1.9': { file: 'c03.md', anchor: '319-health-checks', title: 'Health checks' },
  '3.2.1': { file: 'c03.md', anchor: '321-tags', title: 'Tags' },
  '3.2.2': { file: 'c03.md', anchor: '322-firmando-imágenes', title: 'Firmando imágenes' },
  '3.2.3': { file: 'c03.md', anchor: '323-registros', title: 'Registros' },
  '3.2.4': { file: 'c03.md', anchor: '324-dockerignore', title: 'Dockerignore' },
  '4.6': { file: 'c04.md', anchor: '46-hadolint', title: 'Hadolint' },
  '4.12': { file: 'c04.md', anchor: '412-integración-continua', title: 'Integración continua' },
});

export function guideUrl(section: string): string {
  const entry = GUIDE_SECTIONS[section];
  if (!entry) throw new Error(`Unknown guide section ${section}`);
  return `${GUIDE_BASE_URL}${entry.file}#${encodeURIComponent(entry.anchor)}`;
}
