import type { Check } from '../types.js';
import defaultServiceAccount from './default-service-account.js';
import serviceAccountTokenAutomount from './service-account-token-automount.js';
import rbacWildcard from './rbac-wildcard.js';
import rbacSecretsRead from './rbac-secrets-read.js';
import rbacPodExec from './rbac-pod-exec.js';
import rbacEscalation from './rbac-escalation.js';
import rbacNodesProxy from './rbac-nodes-proxy.js';
import rbacWorkloadCreate from './rbac-workload-create.js';
import clusterAdminBinding from './cluster-admin-binding.js';
import workloadRbacBlastRadius from './workload-rbac-blast-radius.js';
import rbacBindingRoleMissing from './rbac-binding-role-missing.js';
import serviceAccountShared from './service-account-shared.js';
import rbacAnonymousBinding from './rbac-anonymous-binding.js';
import serviceAccountTokenSecret from './service-account-token-secret.js';
import serviceAccountMissing from './service-account-missing.js';
import rbacRejected from './rbac-rejected.js';

export const checks: Check[] = [
  defaultServiceAccount,
  serviceAccountTokenAutomount,
  rbacWildcard,
  rbacSecretsRead,
  rbacPodExec,
  rbacEscalation,
  rbacNodesProxy,
  rbacWorkloadCreate,
  clusterAdminBinding,
  workloadRbacBlastRadius,
  rbacBindingRoleMissing,
  serviceAccountShared,
  rbacAnonymousBinding,
  serviceAccountTokenSecret,
  serviceAccountMissing,
  rbacRejected,
];
