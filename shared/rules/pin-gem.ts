// 3.1.3 Inmutabilidad en dependencias: `gem install rails` installs the newest release on RubyGems at build
// time; `gem install rails -v 7.1.3` or `gem install rails:7.1.3` installs the same one every time.
//
// Flagged: each gem of `gem install` (through sudo/env/xargs, every stage, heredocs and exec form) with no
// version, or with a requirement that is not one exact version (`-v '~> 7.1'`, `rails:'>= 7'`), which still
// follows new releases. Not flagged: `-v`/`--version` with an exact version (`-v 2.4.10`, `-v '= 2.4.10'`)
// or `name:1.2.3`, a version from a variable (`-v "$BUNDLER_VERSION"`), local `.gem` files and paths, option
// values, words after `--` (build options), `bundle install` (the Gemfile.lock decides).
// No fix: the version to pin is the user's choice.
import type { Rule } from '../rule';
import { unpinnedIn, unpinnedMessage } from '../shell/installs';

export const pinGem: Rule = {
  meta: {
    id: 'pin-gem',
    sections: ['3.1.3'],
    severity: 'warning',
    fixable: false,
    equivalents: { hadolint: ['DL3028'] },
    scope: 'stage',
    docs: {
      en: {
        title: 'Pin the versions of Ruby gems',
        why: 'A gem installed without a version comes from whatever RubyGems publishes when the image is built. The same Dockerfile can then produce images with different gems, and a breaking or tampered release reaches the image at the next rebuild without anyone noticing.',
        how: 'Give each gem an exact version, `gem install rails -v 7.1.3` or `gem install rails:7.1.3`; for an application, keep the gems in a Gemfile with a committed Gemfile.lock and run `bundle install`.',
      },
      es: {
        title: 'Fija las versiones de las gemas de Ruby',
        why: 'Una gema instalada sin versión viene de lo que RubyGems publique cuando se construye la imagen. El mismo Dockerfile puede dar imágenes con gemas distintas, y una versión incompatible o manipulada llega a la imagen en la siguiente reconstrucción sin que nadie lo note.',
        how: 'Indica una versión exacta para cada gema, `gem install rails -v 7.1.3` o `gem install rails:7.1.3`; en una aplicación, declara las gemas en un Gemfile con su Gemfile.lock versionado y usa `bundle install`.',
      },
    },
  },
  check({ model, report }) {
    for (const { spec, range } of unpinnedIn(model, 'gem')) {
      report({ range, message: unpinnedMessage(spec, `${spec.name}:<version>`) });
    }
  },
};
