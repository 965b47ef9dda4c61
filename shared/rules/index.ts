// The rule registry: one file per rule in this folder, listed here once, in the guide's order.
import type { Rule } from '../rule';
import { aptAssumeYes } from './apt-assume-yes';
import { aptNoRecommends } from './apt-no-recommends';
import { dockerignore } from './dockerignore';
import { dockerignoreSecrets } from './dockerignore-secrets';
import { healthcheck } from './healthcheck';
import { healthcheckMultiple } from './healthcheck-multiple';
import { imageDigest } from './image-digest';
import { imageFloatingTag } from './image-floating-tag';
import { imageMinimal } from './image-minimal';
import { imageRegistry } from './image-registry';
import { imageTag } from './image-tag';
import { noSudo } from './no-sudo';
import { noUpgrade } from './no-upgrade';
import { packageCache } from './package-cache';
import { pinApk } from './pin-apk';
import { pinApt } from './pin-apt';
import { pinGem } from './pin-gem';
import { pinGo } from './pin-go';
import { pinNpm } from './pin-npm';
import { pinPip } from './pin-pip';
import { pinRpm } from './pin-rpm';
import { preferCopy } from './prefer-copy';
import { secretFileCopy } from './secret-file-copy';
import { secretInArgEnv } from './secret-in-arg-env';
import { sshMount } from './ssh-mount';
import { syntaxDirective } from './syntax-directive';
import { unusedIgnore } from './unused-ignore';
import { updateWithoutInstall } from './update-without-install';
import { userRoot } from './user-root';
import { worldWritable } from './world-writable';

export const RULES: readonly Rule[] = [
  imageTag,
  imageFloatingTag,
  imageDigest,
  imageMinimal,
  imageRegistry,
  noSudo,
  worldWritable,
  userRoot,
  noUpgrade,
  pinApt,
  pinApk,
  pinPip,
  pinNpm,
  pinGem,
  pinGo,
  pinRpm,
  aptNoRecommends,
  aptAssumeYes,
  packageCache,
  updateWithoutInstall,
  preferCopy,
  secretInArgEnv,
  secretFileCopy,
  sshMount,
  syntaxDirective,
  healthcheck,
  healthcheckMultiple,
  dockerignore,
  dockerignoreSecrets,
  unusedIgnore,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.meta.id, r]));
