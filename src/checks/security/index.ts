import type { Check } from '../types.js';
// Pod Security Standards, baseline
import hostProcess from './host-process.js';
import hostNamespaces from './host-namespaces.js';
import privilegedContainer from './privileged-container.js';
import capabilitiesAdded from './capabilities-added.js';
import hostPathVolume from './host-path-volume.js';
import hostPorts from './host-ports.js';
import apparmorProfile from './apparmor-profile.js';
import selinuxOptions from './selinux-options.js';
import procMount from './proc-mount.js';
import seccompUnconfined from './seccomp-unconfined.js';
import unsafeSysctls from './unsafe-sysctls.js';
import hostProbes from './host-probes.js';
// Pod Security Standards, restricted
import restrictedVolumeTypes from './restricted-volume-types.js';
import privilegeEscalation from './privilege-escalation.js';
import runAsNonRoot from './run-as-non-root.js';
import seccompProfileMissing from './seccomp-profile-missing.js';
import capabilitiesNotDropped from './capabilities-not-dropped.js';
import restrictedProcMount from './restricted-proc-mount.js';
// Beyond PSS
import readOnlyRootFilesystem from './read-only-root-filesystem.js';
import imageTagLatest from './image-tag-latest.js';
import imageNotPinnedByDigest from './image-not-pinned-by-digest.js';
import imageReferenceInvalid from './image-reference-invalid.js';
import imagePullPolicy from './image-pull-policy.js';
import secretInEnvLiteral from './secret-in-env-literal.js';
import podSecurityEnforceRejects from './pod-security-enforce-rejects.js';
import configmapHoldsCredentials from './configmap-holds-credentials.js';

export const checks: Check[] = [
  hostProcess,
  hostNamespaces,
  privilegedContainer,
  capabilitiesAdded,
  hostPathVolume,
  hostPorts,
  apparmorProfile,
  selinuxOptions,
  procMount,
  seccompUnconfined,
  unsafeSysctls,
  hostProbes,
  restrictedVolumeTypes,
  privilegeEscalation,
  runAsNonRoot,
  seccompProfileMissing,
  capabilitiesNotDropped,
  restrictedProcMount,
  readOnlyRootFilesystem,
  imageTagLatest,
  imageNotPinnedByDigest,
  imageReferenceInvalid,
  imagePullPolicy,
  secretInEnvLiteral,
  podSecurityEnforceRejects,
  configmapHoldsCredentials,
];
