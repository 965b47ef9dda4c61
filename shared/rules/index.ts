// The rule registry: one file per rule in this folder, listed here once, in the guide's order.
import type { Rule } from '../rule';
import { addArchive } from './add-archive';
import { addRemote } from './add-remote';
import { aptAssumeYes } from './apt-assume-yes';
import { aptNoRecommends } from './apt-no-recommends';
import { credentialsInUrl } from './credentials-in-url';
import { dockerignore } from './dockerignore';
import { dockerignoreSecrets } from './dockerignore-secrets';
import { downloadUnverified } from './download-unverified';
import { healthcheck } from './healthcheck';
import { healthcheckMultiple } from './healthcheck-multiple';
import { imageDigest } from './image-digest';
import { imageFloatingTag } from './image-floating-tag';
import { imageMinimal } from './image-minimal';
import { imageRegistry } from './image-registry';
import { imageTag } from './image-tag';
import { labelSchemaDeprecated } from './label-schema-deprecated';
import { labelValues } from './label-values';
import { labels } from './labels';
import { maintainerDeprecated } from './maintainer-deprecated';
import { multiStage } from './multi-stage';
import { noSudo } from './no-sudo';
import { noUpgrade } from './no-upgrade';
import { npmDevDeps } from './npm-dev-deps';
import { packageCache } from './package-cache';
import { pinApk } from './pin-apk';
import { pinApt } from './pin-apt';
import { pinGem } from './pin-gem';
import { pinGo } from './pin-go';
import { pinNpm } from './pin-npm';
import { pinPip } from './pin-pip';
import { pinRpm } from './pin-rpm';
import { pipeToShell } from './pipe-to-shell';
import { plainHttp } from './plain-http';
import { preferCopy } from './prefer-copy';
import { secretFileCopy } from './secret-file-copy';
import { secretInArgEnv } from './secret-in-arg-env';
import { signatureVerificationDisabled } from './signature-verification-disabled';
import { sshMount } from './ssh-mount';
import { stageReference } from './stage-reference';
import { syntaxDirective } from './syntax-directive';
import { tlsVerificationDisabled } from './tls-verification-disabled';
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
  downloadUnverified,
  pipeToShell,
  tlsVerificationDisabled,
  signatureVerificationDisabled,
  plainHttp,
  preferCopy,
  addRemote,
  addArchive,
  multiStage,
  stageReference,
  npmDevDeps,
  labels,
  maintainerDeprecated,
  labelSchemaDeprecated,
  labelValues,
  secretInArgEnv,
  secretFileCopy,
  sshMount,
  credentialsInUrl,
  syntaxDirective,
  healthcheck,
  healthcheckMultiple,
  dockerignore,
  dockerignoreSecrets,
  unusedIgnore,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.meta.id, r]));
