// 3.1.4 Integridad de dependencias: whatever a build fetches from the network must be checked before it
// is used, with a checksum or a signature, or a tampered mirror or a man in the middle gets its code in.
//
// Flagged: a `curl`/`wget` call that saves a file (`curl -o/-O/--output/--remote-name`, `curl ... > file`,
// `curl ... | tee file`, `wget` without `-O -`), in any stage, when nothing in the same RUN verifies a
// download: `sha256sum -c`/`--check` (any sha*sum/md5sum/b2sum/cksum/shasum, weak sums included: a check
// is a check), a checksum compared in `$(...)` or through a pipe, `gpg --verify`, `gpgv`, `cosign verify*`,
// `minisign -V`, `slsa-verifier verify-*`, `openssl dgst -verify`, `rpm -K`, or a `php -r`/`python -c`
// one-liner that hashes the file (Composer's installer check). One verification covers the whole RUN, so
// the signature and checksum files it reads are not flagged either.
// Also not flagged:
// - a file that a verification in a later RUN of the same stage names (`gpg --verify x.sig x.apk`);
// - files that are themselves checksums, signatures, keys or certificates (`.asc`, `.sig`, `.sha256`, `KEYS`,
//   `*.gpg`, `.pem`...) or package-manager keyrings and source lists (`/etc/apt/keyrings/`,
//   `/etc/apt/sources.list.d/`, `/etc/yum.repos.d/`...): they are what verification is made of, and the
//   package manager verifies what it installs with them;
// - downloads to standard output: piped into a shell that is pipe-to-shell's business, otherwise (an API
//   call, a health check, `| tar x`) they are not saved as a file;
// - `ADD <url>` without `--checksum`: add-remote reports it (one finding for one problem).
// Range: the curl/wget command, name through last argument. No fix: the hash cannot be known here.
import type { RunShell } from '../dockerfile';
import type { Rule } from '../rule';
import { downloadsIn, isTrustFile, isVerification, verifiedNames, type Download } from '../shell/downloads';

function fileName(path: string): string {
  // Trailing slashes: /(?<!\/)\/+$/ is linear, /\/+$/ retried from every slash of a long run (quadratic: a hang, see test/fixtures/fuzz-regressions/trailing-slashes.json).
  return path.replace(/(?<!\/)\/+$/, '').split('/').pop() ?? path;
}

export const downloadUnverified: Rule = {
  meta: {
    id: 'download-unverified',
    sections: ['3.1.4'],
    severity: 'warning',
    fixable: false,
    equivalents: {},
    scope: 'stage',
    docs: {
      en: {
        title: 'Verify what curl or wget downloads',
        why: 'A file fetched during the build is trusted blindly unless something checks it. If the server, a mirror or anything on the way serves a different file, the image silently ships it. A known checksum or a signature check turns that into a failed build.',
        how: 'In the same RUN, compare the file with a checksum you pinned (`echo "<sha256>  file" | sha256sum -c -`) or check its signature (`gpg --verify file.asc file`, `cosign verify-blob`) before using it. This rule looks at curl and wget; a remote `ADD` is reported by add-remote.',
      },
      es: {
        title: 'Verifica lo que descargan curl o wget',
        why: 'Un fichero descargado durante la construcción se acepta a ciegas si nadie lo comprueba. Si el servidor, un mirror o alguien en medio entrega otro fichero, la imagen lo incluye sin avisar. Con un checksum conocido o una firma comprobada, eso se convierte en un build que falla.',
        how: 'En el mismo RUN, compara el fichero con un checksum fijado (`echo "<sha256>  fichero" | sha256sum -c -`) o comprueba su firma (`gpg --verify fichero.asc fichero`, `cosign verify-blob`) antes de usarlo. Esta regla revisa curl y wget; un `ADD` remoto lo señala add-remote.',
      },
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      const runs = [...model.runsOf(stage)];
      runs.forEach(({ shell }, position) => {
        if (shell.script.commands.some((c) => isVerification(shell, c))) return;
        const saved = downloadsIn(shell).filter((d): d is Download & { sink: { kind: 'file' } } => d.sink.kind === 'file');
        if (!saved.length) return;
        let later: Set<string> | null = null;
        for (const download of saved) {
          const files = download.sink.files;
          if (files.length && files.every((f) => f !== null && isTrustFile(f))) continue;
          later ??= verifiedNames(runs.slice(position + 1).map((r): RunShell => r.shell));
          const checkedLater = later;
          if (files.length && files.every((f) => f !== null && (isTrustFile(f) || checkedLater.has(fileName(f))))) continue;
          const command = download.transfer.command;
          const shown = files.find((f) => f !== null && !isTrustFile(f));
          const tool = download.transfer.tool;
          report({
            range: model.rangeOf(shell.offset + command.name.start, shell.offset + command.end),
            message: shown
              ? {
                en: `\`${tool}\` saves \`${shown}\` and nothing in this RUN checks it: verify it with a pinned checksum (\`sha256sum -c\`) or a signature before using it.`,
                es: `\`${tool}\` guarda \`${shown}\` y nada en este RUN lo comprueba: verifícalo con un checksum fijado (\`sha256sum -c\`) o una firma antes de usarlo.`,
              }
              : {
                en: `\`${tool}\` saves a download and nothing in this RUN checks it: verify it with a pinned checksum (\`sha256sum -c\`) or a signature before using it.`,
                es: `\`${tool}\` guarda una descarga y nada en este RUN la comprueba: verifícala con un checksum fijado (\`sha256sum -c\`) o una firma antes de usarla.`,
              },
          });
        }
      });
    }
  },
};
